namespace Pipelines.Engine.Storage;

/// <summary>
/// The store's schema history. Step records are append-only (a step's state is its newest event), because
/// DuckDB appends rows in bulk cheaply but updates single keyed rows slowly; uniqueness of artifacts is kept
/// by the writer, which knows every stored hash. Never edit a released migration: add a new one, so every existing store
/// upgrades the same way.
/// </summary>
public static partial class StoreMigrations
{
    public static readonly IReadOnlyList<Migration> All =
    [
        new(1, "runs, step runs, artifacts and lineage", """
            CREATE TABLE runs (
                run_id          VARCHAR PRIMARY KEY,
                pipeline        VARCHAR NOT NULL,
                pipeline_file   VARCHAR NOT NULL,
                pipeline_sha256 VARCHAR NOT NULL,
                pipeline_text   VARCHAR NOT NULL,
                params_json     VARCHAR NOT NULL,
                git_commit      VARCHAR,
                git_dirty       BOOLEAN,
                status          VARCHAR NOT NULL,
                started_at      TIMESTAMP NOT NULL,
                finished_at     TIMESTAMP,
                host            VARCHAR,
                pid             INTEGER,
                forced          BOOLEAN NOT NULL,
                resumes         INTEGER NOT NULL,
                error           VARCHAR
            );
            CREATE TABLE step_events (
                seq             BIGINT NOT NULL,
                run_id          VARCHAR NOT NULL,
                step_id         VARCHAR NOT NULL,
                step_type       VARCHAR NOT NULL,
                step_version    INTEGER NOT NULL,
                status          VARCHAR NOT NULL,
                cache_key       VARCHAR,
                cached_from_run VARCHAR,
                attempts        INTEGER NOT NULL,
                started_at      TIMESTAMP,
                finished_at     TIMESTAMP,
                duration_ms     DOUBLE,
                inputs_json     VARCHAR,
                outputs_json    VARCHAR,
                message         VARCHAR
            );
            CREATE VIEW step_runs AS
                SELECT * EXCLUDE (seq) FROM step_events
                QUALIFY row_number() OVER (PARTITION BY run_id, step_id ORDER BY seq DESC) = 1;
            CREATE TABLE artifacts (
                sha256           VARCHAR NOT NULL,
                kind             VARCHAR NOT NULL,
                format           VARCHAR NOT NULL,
                bytes            BIGINT NOT NULL,
                store_path       VARCHAR NOT NULL,
                is_source        BOOLEAN NOT NULL,
                created_at       TIMESTAMP NOT NULL,
                produced_by_run  VARCHAR,
                produced_by_step VARCHAR
            );
            CREATE TABLE step_outputs (
                run_id   VARCHAR NOT NULL,
                step_id  VARCHAR NOT NULL,
                output   VARCHAR NOT NULL,
                sha256   VARCHAR NOT NULL
            );
            CREATE TABLE lineage (
                parent_sha256 VARCHAR NOT NULL,
                child_sha256  VARCHAR NOT NULL,
                run_id        VARCHAR NOT NULL,
                step_id       VARCHAR NOT NULL
            );
            """, Postgres.RunsAndSteps),
        new(2, "model registry: models, versions, aliases and the audit of transitions", """
            CREATE TABLE models (
                name        VARCHAR PRIMARY KEY,
                created_at  TIMESTAMP NOT NULL
            );
            CREATE TABLE model_versions (
                name                 VARCHAR NOT NULL,
                version              INTEGER NOT NULL,
                artifact_sha256      VARCHAR NOT NULL,
                stage                VARCHAR NOT NULL,
                metrics_json         VARCHAR,
                training_data_sha256 VARCHAR,
                run_id               VARCHAR,
                step_id              VARCHAR,
                git_commit           VARCHAR,
                created_at           TIMESTAMP NOT NULL,
                PRIMARY KEY (name, version)
            );
            CREATE TABLE model_aliases (
                name        VARCHAR NOT NULL,
                alias       VARCHAR NOT NULL,
                version     INTEGER NOT NULL,
                updated_at  TIMESTAMP NOT NULL,
                PRIMARY KEY (name, alias)
            );
            CREATE TABLE model_transitions (
                seq              BIGINT NOT NULL,
                name             VARCHAR NOT NULL,
                version          INTEGER NOT NULL,
                action           VARCHAR NOT NULL,
                from_stage       VARCHAR,
                to_stage         VARCHAR,
                alias            VARCHAR,
                previous_version INTEGER,
                reason           VARCHAR,
                run_id           VARCHAR,
                step_id          VARCHAR,
                git_commit       VARCHAR,
                actor            VARCHAR NOT NULL,
                changed_at       TIMESTAMP NOT NULL
            );
            """),
        new(3, "drift events", """
            CREATE TABLE drift_events (
                run_id       VARCHAR NOT NULL,
                step_id      VARCHAR NOT NULL,
                model        VARCHAR NOT NULL,
                feature      VARCHAR NOT NULL,
                statistic    VARCHAR NOT NULL,
                value        DOUBLE,
                severity     VARCHAR NOT NULL,
                detail       VARCHAR,
                detected_at  TIMESTAMP NOT NULL
            );
            """, Postgres.DriftEvents),
        new(4, "shadow predictions", """
            CREATE TABLE shadow_predictions (
                run_id              VARCHAR NOT NULL,
                step_id             VARCHAR NOT NULL,
                model               VARCHAR NOT NULL,
                champion_version    INTEGER NOT NULL,
                challenger_version  INTEGER NOT NULL,
                row_index           BIGINT NOT NULL,
                champion            DOUBLE,
                challenger          DOUBLE,
                outcome             DOUBLE,
                challenger_decides  BOOLEAN NOT NULL,
                recorded_at         TIMESTAMP NOT NULL
            );
            """, Postgres.ShadowPredictions),
        new(5, "live decisions, the order of their feature vectors, and their explanations", """
            CREATE TABLE decisions (
                run_id         VARCHAR NOT NULL,
                step_id        VARCHAR NOT NULL,
                trade_id       BIGINT NOT NULL,
                time           TIMESTAMP NOT NULL,
                model          VARCHAR NOT NULL,
                model_version  INTEGER NOT NULL,
                score          DOUBLE,
                features       DOUBLE[] NOT NULL
            );
            CREATE TABLE decision_features (
                run_id     VARCHAR NOT NULL,
                step_id    VARCHAR NOT NULL,
                model      VARCHAR NOT NULL,
                position   INTEGER NOT NULL,
                feature    VARCHAR NOT NULL
            );
            CREATE TABLE decision_explanations (
                run_id         VARCHAR NOT NULL,
                step_id        VARCHAR NOT NULL,
                trade_id       BIGINT NOT NULL,
                model          VARCHAR NOT NULL,
                model_version  INTEGER NOT NULL,
                feature        VARCHAR NOT NULL,
                shap_value     DOUBLE NOT NULL,
                rank           INTEGER NOT NULL
            );
            """, Postgres.Decisions),
        // A decision row repeated its run, step and model as VARCHARs, which cost the tick loop's writer about a
        // third of its insert time; rows now carry a small stream id, and the view keeps the old shape for readers.
        new(6, "decisions keyed by a stream id; the decisions view joins run, step and model back", """
            CREATE SEQUENCE decision_stream_ids START 1;
            CREATE TABLE decision_streams (
                stream_id  INTEGER PRIMARY KEY,
                run_id     VARCHAR NOT NULL,
                step_id    VARCHAR NOT NULL,
                model      VARCHAR NOT NULL
            );
            CREATE TABLE decision_rows (
                stream_id      INTEGER NOT NULL,
                trade_id       BIGINT NOT NULL,
                time           TIMESTAMP NOT NULL,
                model_version  INTEGER NOT NULL,
                score          DOUBLE,
                features       DOUBLE[] NOT NULL
            );
            INSERT INTO decision_streams
                SELECT nextval('decision_stream_ids'), run_id, step_id, model
                FROM (SELECT DISTINCT run_id, step_id, model FROM decisions ORDER BY run_id, step_id, model);
            INSERT INTO decision_rows
                SELECT s.stream_id, d.trade_id, d.time, d.model_version, d.score, d.features
                FROM decisions d JOIN decision_streams s USING (run_id, step_id, model);
            DROP TABLE decisions;
            CREATE VIEW decisions AS
                SELECT s.run_id, s.step_id, r.trade_id, r.time, s.model, r.model_version, r.score, r.features
                FROM decision_rows r JOIN decision_streams s USING (stream_id);
            """, Postgres.DecisionStreams),
        new(7, "events: what happened, in the order it was published, shaped as CloudEvents", """
            CREATE TABLE events (
                seq       BIGINT PRIMARY KEY,
                id        VARCHAR NOT NULL UNIQUE,
                type      VARCHAR NOT NULL,
                time      TIMESTAMP NOT NULL,
                source    VARCHAR NOT NULL,
                pipeline  VARCHAR,
                run_id    VARCHAR,
                step_id   VARCHAR,
                model     VARCHAR,
                feature   VARCHAR,
                payload   VARCHAR NOT NULL
            );
            CREATE INDEX events_by_type ON events (type);
            """, Postgres.Events),
        // The service's firings: one row per idempotency key, written with the dispatcher's decision, so a fire seen
        // twice (a catch-up after a crash, an event delivered again) starts at most one run; and how far each event
        // subscriber has read, so a restart neither misses nor repeats an event.
        new(8, "the service's firings by idempotency key, and event subscribers' cursors", """
            CREATE TABLE firings (
                firing_key      VARCHAR PRIMARY KEY,
                pipeline        VARCHAR NOT NULL,
                kind            VARCHAR NOT NULL,
                schedule_cron   VARCHAR,
                scheduled_time  TIMESTAMP,
                event_id        VARCHAR,
                event_json      VARCHAR,
                params_json     VARCHAR NOT NULL,
                decision        VARCHAR NOT NULL,
                run_id          VARCHAR,
                reason          VARCHAR,
                decided_at      TIMESTAMP NOT NULL
            );
            CREATE INDEX firings_by_run ON firings (run_id);
            CREATE TABLE subscription_cursors (
                subscriber     VARCHAR PRIMARY KEY,
                last_sequence  BIGINT NOT NULL,
                updated_at     TIMESTAMP NOT NULL
            );
            """),
        new(9, "notification deliveries: one per event and sink (the notifier keeps its cursor in subscription_cursors)", """
            CREATE TABLE notification_deliveries (
                event_seq        BIGINT NOT NULL,
                event_id         VARCHAR NOT NULL,
                event_type       VARCHAR NOT NULL,
                sink             VARCHAR NOT NULL,
                status           VARCHAR NOT NULL,
                attempts         INTEGER NOT NULL,
                created_at       TIMESTAMP NOT NULL,
                next_attempt_at  TIMESTAMP,
                last_error       VARCHAR,
                delivered_at     TIMESTAMP,
                PRIMARY KEY (event_seq, sink)
            );
            """),
        // An archived event's rows are a Parquet artifact referenced by hash, so the schema is the same whatever columns
        // the rows carry. Windows of one archive never overlap; the writer checks that and inserts in one transaction.
        new(10, "archive of rare events: window, criteria and the artifact of its rows", """
            CREATE TABLE archive_events (
                archive        VARCHAR NOT NULL,
                name           VARCHAR NOT NULL,
                window_start   TIMESTAMP NOT NULL,
                window_end     TIMESTAMP NOT NULL,
                criteria_json  VARCHAR NOT NULL,
                rows_sha256    VARCHAR NOT NULL,
                row_count      BIGINT NOT NULL,
                run_id         VARCHAR NOT NULL,
                step_id        VARCHAR NOT NULL,
                captured_at    TIMESTAMP NOT NULL,
                PRIMARY KEY (archive, name)
            );
            """),
        // Where and how often a step ran, once several processes share the store: the node that ran the attempt (a process,
        // host:pid, or later a cluster instance) beside the attempts it took. The view lists its columns rather than
        // using DuckDB's EXCLUDE and QUALIFY, so one text serves both databases.
        new(12, "step events name the node that ran the attempt; step_runs shows it", """
            DROP VIEW step_runs;
            ALTER TABLE step_events ADD COLUMN node VARCHAR;
            CREATE VIEW step_runs AS
                SELECT run_id, step_id, step_type, step_version, status, cache_key, cached_from_run, attempts, started_at, finished_at,
                       duration_ms, inputs_json, outputs_json, message, node
                FROM (SELECT e.*, row_number() OVER (PARTITION BY e.run_id, e.step_id ORDER BY e.seq DESC) AS newest FROM step_events e) latest
                WHERE newest = 1;
            """),
        // A version trained by continuing another (train/gbdt's continue_from) names the version it continued, so the
        // registry can show a model's lineage chain. Plain nullable columns: a parent may be another model's version,
        // or pruned since, and neither may stop a registration.
        new(14, "model versions name the version they continued from", """
            ALTER TABLE model_versions ADD COLUMN parent_model VARCHAR;
            ALTER TABLE model_versions ADD COLUMN parent_version INTEGER;
            """),
        // Clustered execution (Quartz over a PostgreSQL store). A step of a cluster run may be delivered more than once: a node
        // killed mid-step has its step recovered by another node. step_events.attempt says which delivery a record comes from
        // (1 for a run in one process). step_dispatch holds one row per step of a cluster run, inserted when the step is queued
        // and completed by a conditional update in the same transaction as the step's results: the row's primary key is what
        // queues a step at most once, and the update's "completed_at IS NULL" is what lets exactly one attempt's results land.
        // cluster_nodes says what each node (Quartz instance id) offers: its labels and step limit; whether it is alive is
        // Quartz's check-in (qrtz_scheduler_state). DuckDB gets both tables too, unused, so both stores have one schema.
        new(15, "step events say which delivery of a step they record; step_dispatch queues and completes cluster steps once", """
            DROP VIEW step_runs;
            ALTER TABLE step_events ADD COLUMN attempt INTEGER;
            CREATE VIEW step_runs AS
                SELECT run_id, step_id, step_type, step_version, status, cache_key, cached_from_run, attempts, started_at, finished_at,
                       duration_ms, inputs_json, outputs_json, message, node, attempt
                FROM (SELECT e.*, row_number() OVER (PARTITION BY e.run_id, e.step_id ORDER BY e.seq DESC) AS newest FROM step_events e) latest
                WHERE newest = 1;
            CREATE TABLE step_dispatch (
                run_id        VARCHAR NOT NULL,
                step_id       VARCHAR NOT NULL,
                runs_on       VARCHAR,
                queued_at     TIMESTAMP NOT NULL,
                deliveries    INTEGER NOT NULL,
                node          VARCHAR,
                started_at    TIMESTAMP,
                completed_at  TIMESTAMP,
                status        VARCHAR,
                PRIMARY KEY (run_id, step_id)
            );
            CREATE TABLE cluster_nodes (
                node        VARCHAR PRIMARY KEY,
                labels      VARCHAR NOT NULL,
                max_steps   INTEGER NOT NULL,
                host        VARCHAR NOT NULL,
                pid         INTEGER NOT NULL,
                joined_at   TIMESTAMP NOT NULL
            );
            """),
        // A PostgreSQL store keeps no decision rows itself: each tick stream writes DuckDB files of its own (segments)
        // under the shared artifact directory and registers each one as it closes, with what a reader needs to pick
        // segments without opening them: the stream, the time span and, per model version, the span and the count.
        // A DuckDB store writes decision_rows as before and leaves these tables empty. Same text for both databases.
        new(16, "decision segments: DuckDB files of a tick stream's decisions, registered as each one closes", """
            CREATE TABLE decision_segments (
                segment_id  VARCHAR PRIMARY KEY,
                stream_id   INTEGER NOT NULL,
                run_id      VARCHAR NOT NULL,
                step_id     VARCHAR NOT NULL,
                model       VARCHAR NOT NULL,
                store_path  VARCHAR NOT NULL,
                sha256      VARCHAR NOT NULL,
                bytes       BIGINT NOT NULL,
                first_time  TIMESTAMP NOT NULL,
                last_time   TIMESTAMP NOT NULL,
                row_count   BIGINT NOT NULL,
                closed_at   TIMESTAMP NOT NULL
            );
            CREATE INDEX decision_segments_by_model ON decision_segments (model, last_time);
            CREATE INDEX decision_segments_by_step ON decision_segments (run_id, step_id);
            CREATE TABLE decision_segment_versions (
                segment_id     VARCHAR NOT NULL,
                model_version  INTEGER NOT NULL,
                first_time     TIMESTAMP NOT NULL,
                last_time      TIMESTAMP NOT NULL,
                row_count      BIGINT NOT NULL,
                PRIMARY KEY (segment_id, model_version)
            );
            """),
        // What an artifact needs at load time (an ensemble manifest names its members' files by hash), so retention can
        // keep a file that a version in use needs, without the engine reading any step's file format. Declared by the
        // step that made the artifact and written with its results; append-only like lineage (the same fact may be
        // stated by several runs). Artifacts made before this table existed are taken from lineage: a model made from
        // another model is taken to need it. That keeps, say, the parent of continued training as well as an
        // ensemble's members, which costs a file and never breaks a model in use. Same text for both databases.
        new(17, "artifact references: the files an artifact needs at load time, such as an ensemble's members", """
            CREATE TABLE artifact_references (
                sha256             VARCHAR NOT NULL,
                referenced_sha256  VARCHAR NOT NULL,
                run_id             VARCHAR NOT NULL,
                step_id            VARCHAR NOT NULL
            );
            CREATE INDEX artifact_references_by_sha256 ON artifact_references (sha256);
            INSERT INTO artifact_references (sha256, referenced_sha256, run_id, step_id)
                SELECT DISTINCT l.child_sha256, l.parent_sha256, l.run_id, l.step_id
                FROM lineage l
                JOIN artifacts child ON child.sha256 = l.child_sha256
                JOIN artifacts parent ON parent.sha256 = l.parent_sha256
                WHERE child.kind = 'model' AND parent.kind = 'model';
            """),
    ];
}
