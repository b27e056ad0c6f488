using Pipelines.Abstractions;
using Pipelines.Engine.Storage;

namespace Pipelines.Engine.Settings;

public sealed record StoreSettings
{
    [Input("Directory holding the DuckDB database, the content-addressed artifacts and the logs, relative to the workspace.")]
    public string Path { get; init; } = ".pipelines";

    [Input("How long a run waits for another process to release the store before giving up.")]
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(30);

    [Input("Where the store's tables live: duckdb, a file under path written by one process at a time; or postgres, a PostgreSQL database several processes share.")]
    public StoreKind Kind { get; init; } = StoreKind.Duckdb;

    [Input("The environment variable holding the PostgreSQL connection string (kind: postgres). The string itself never appears in ml.yaml, messages or logs.")]
    public string ConnectionEnv { get; init; } = "PIPELINES_PG";

    [Input("Directory of the content-addressed artifacts, shared by every process of a postgres store (e.g. an NFS mount), relative to the workspace; by default artifacts/ under path.")]
    public string? Artifacts { get; init; }

    [Input("postgres: inference/tick writes its decisions to DuckDB files under artifacts/decisions, one per segment of a stream, registered in the store (and readable) when the segment closes; a segment closes after this many decisions.")]
    public long DecisionSegmentRows { get; init; } = DecisionSegmentPolicy.Default.MaxRows;

    [Input("postgres: a decision segment also closes once it has been open this long, so a live stream's decisions become readable at least this often.")]
    public TimeSpan DecisionSegmentInterval { get; init; } = DecisionSegmentPolicy.Default.Interval;

    /// <summary>Each problem as (key, message); the connection string is read from the environment, and never quoted.</summary>
    public IReadOnlyList<(string Key, string Problem)> Problems(Func<string, string?> environment)
    {
        var problems = new List<(string, string)>();
        if (!System.Text.RegularExpressions.Regex.IsMatch(ConnectionEnv, "^[A-Za-z_][A-Za-z0-9_]*$"))
            // Not quoted: a connection string pasted here by mistake would carry its password into the message.
            problems.Add(("connection_env", "is not an environment variable name (letters, digits and '_'); it names the variable that holds the connection string, not the string itself, which is not shown"));
        else if (Kind == StoreKind.Postgres && string.IsNullOrWhiteSpace(environment(ConnectionEnv)))
            problems.Add(("connection_env", $"kind is postgres but the environment variable {ConnectionEnv} is not set; set it to the PostgreSQL connection string"));
        if (Artifacts is { } artifacts && string.IsNullOrWhiteSpace(artifacts))
            problems.Add(("artifacts", "is empty; leave it out to keep the artifacts under path"));
        if (DecisionSegmentRows < 1) problems.Add(("decision_segment_rows", $"must be at least 1, got {DecisionSegmentRows}"));
        if (DecisionSegmentInterval < TimeSpan.FromSeconds(1)) problems.Add(("decision_segment_interval", $"must be at least one second, got {DecisionSegmentInterval}"));
        return problems;
    }
}
