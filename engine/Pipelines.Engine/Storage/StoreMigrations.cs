namespace Pipelines.Engine.Storage;

/// <summary>
/// The store's schema history. Never edit a released migration: add a new one, so every existing store
/// upgrades the same way.
/// </summary>
public static class StoreMigrations
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
            CREATE TABLE step_runs (
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
                message         VARCHAR,
                PRIMARY KEY (run_id, step_id)
            );
            CREATE INDEX step_runs_cache_key ON step_runs (cache_key);
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
                sha256   VARCHAR NOT NULL,
                PRIMARY KEY (run_id, step_id, output)
            );
            CREATE TABLE lineage (
                parent_sha256 VARCHAR NOT NULL,
                child_sha256  VARCHAR NOT NULL,
                run_id        VARCHAR NOT NULL,
                step_id       VARCHAR NOT NULL,
                PRIMARY KEY (parent_sha256, child_sha256, run_id, step_id)
            );
            """),
    ];
}
