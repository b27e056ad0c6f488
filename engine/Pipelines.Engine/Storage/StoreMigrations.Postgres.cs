namespace Pipelines.Engine.Storage;

public static partial class StoreMigrations
{
    /// <summary>
    /// The PostgreSQL texts of the migrations whose DuckDB text does not run there: DOUBLE is spelt DOUBLE PRECISION, a
    /// subquery in FROM needs a name, and views list their columns instead of using EXCLUDE and QUALIFY. The tables,
    /// their column names and the views are the same as DuckDB's. Several writers share a PostgreSQL store, so it also
    /// holds what one DuckDB writer keeps in memory: sequences for step events and events, and a primary key on an
    /// artifact's hash (one row per content, whichever process stored it first) and on a step event's sequence.
    /// </summary>
    private static class Postgres
    {
        public const string RunsAndSteps = """
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
            CREATE SEQUENCE step_event_seq;
            CREATE TABLE step_events (
                seq             BIGINT PRIMARY KEY,
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
                duration_ms     DOUBLE PRECISION,
                inputs_json     VARCHAR,
                outputs_json    VARCHAR,
                message         VARCHAR
            );
            CREATE INDEX step_events_by_step ON step_events (run_id, step_id, seq);
            CREATE INDEX step_events_by_cache_key ON step_events (cache_key);
            CREATE VIEW step_runs AS
                SELECT run_id, step_id, step_type, step_version, status, cache_key, cached_from_run, attempts, started_at, finished_at,
                       duration_ms, inputs_json, outputs_json, message
                FROM (SELECT e.*, row_number() OVER (PARTITION BY e.run_id, e.step_id ORDER BY e.seq DESC) AS newest FROM step_events e) latest
                WHERE newest = 1;
            CREATE TABLE artifacts (
                sha256           VARCHAR PRIMARY KEY,
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
            CREATE INDEX step_outputs_by_step ON step_outputs (run_id, step_id);
            CREATE TABLE lineage (
                parent_sha256 VARCHAR NOT NULL,
                child_sha256  VARCHAR NOT NULL,
                run_id        VARCHAR NOT NULL,
                step_id       VARCHAR NOT NULL
            );
            CREATE INDEX lineage_by_parent ON lineage (parent_sha256);
            CREATE INDEX lineage_by_child ON lineage (child_sha256);
            """;

        public const string DriftEvents = """
            CREATE TABLE drift_events (
                run_id       VARCHAR NOT NULL,
                step_id      VARCHAR NOT NULL,
                model        VARCHAR NOT NULL,
                feature      VARCHAR NOT NULL,
                statistic    VARCHAR NOT NULL,
                value        DOUBLE PRECISION,
                severity     VARCHAR NOT NULL,
                detail       VARCHAR,
                detected_at  TIMESTAMP NOT NULL
            );
            """;

        public const string ShadowPredictions = """
            CREATE TABLE shadow_predictions (
                run_id              VARCHAR NOT NULL,
                step_id             VARCHAR NOT NULL,
                model               VARCHAR NOT NULL,
                champion_version    INTEGER NOT NULL,
                challenger_version  INTEGER NOT NULL,
                row_index           BIGINT NOT NULL,
                champion            DOUBLE PRECISION,
                challenger          DOUBLE PRECISION,
                outcome             DOUBLE PRECISION,
                challenger_decides  BOOLEAN NOT NULL,
                recorded_at         TIMESTAMP NOT NULL
            );
            """;

        public const string Decisions = """
            CREATE TABLE decisions (
                run_id         VARCHAR NOT NULL,
                step_id        VARCHAR NOT NULL,
                trade_id       BIGINT NOT NULL,
                time           TIMESTAMP NOT NULL,
                model          VARCHAR NOT NULL,
                model_version  INTEGER NOT NULL,
                score          DOUBLE PRECISION,
                features       DOUBLE PRECISION[] NOT NULL
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
                shap_value     DOUBLE PRECISION NOT NULL,
                rank           INTEGER NOT NULL
            );
            """;

        public const string DecisionStreams = """
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
                score          DOUBLE PRECISION,
                features       DOUBLE PRECISION[] NOT NULL
            );
            INSERT INTO decision_streams
                SELECT nextval('decision_stream_ids'), run_id, step_id, model
                FROM (SELECT DISTINCT run_id, step_id, model FROM decisions ORDER BY run_id, step_id, model) streams;
            INSERT INTO decision_rows
                SELECT s.stream_id, d.trade_id, d.time, d.model_version, d.score, d.features
                FROM decisions d JOIN decision_streams s USING (run_id, step_id, model);
            DROP TABLE decisions;
            CREATE VIEW decisions AS
                SELECT s.run_id, s.step_id, r.trade_id, r.time, s.model, r.model_version, r.score, r.features
                FROM decision_rows r JOIN decision_streams s USING (stream_id);
            """;

        public const string Events = """
            CREATE SEQUENCE event_seq;
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
            """;
    }
}
