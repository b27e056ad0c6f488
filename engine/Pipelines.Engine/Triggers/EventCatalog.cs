using Pipelines.Engine.Diagnostics;

namespace Pipelines.Engine.Triggers;

/// <summary>
/// Every event type a pipeline can subscribe to, in one place: a subscription naming anything else would wait
/// for an event nobody publishes, so it is refused before anything is scheduled.
/// </summary>
public static class EventCatalog
{
    public const string ModelFilter = "model";
    public const string MinSeverityFilter = "min_severity";
    public const string PipelineFilter = "pipeline";

    private static readonly string[] RunFields = ["id", "type", "time", "pipeline", "run_id"];
    private static readonly string[] ModelFields = ["id", "type", "time", "model", "version", "alias", "run_id"];

    public static IReadOnlyList<EventType> Types { get; } =
    [
        new("run.started", "the engine, when a run begins", [PipelineFilter], RunFields),
        new("run.succeeded", "the engine, when a run ends with every step done", [PipelineFilter], RunFields),
        new("run.failed", "the engine, when a run ends with a failed step", [PipelineFilter], RunFields),
        new("run.cancelled", "the engine, when a run is stopped", [PipelineFilter], RunFields),
        new("drift.detected", "drift/check", [ModelFilter, MinSeverityFilter],
            ["id", "type", "time", "model", "feature", "statistic", "value", "severity", "run_id"]),
        new("model.registered", "train steps, when a model version enters the registry", [ModelFilter], ModelFields),
        new("model.promoted", "registry/promote", [ModelFilter], ModelFields),
        new("model.rolled_back", "registry/rollback", [ModelFilter], ModelFields),
        new("model.retired", "the registry, when a version leaves it", [ModelFilter], ModelFields),
        new("shadow.decided", "shadow/decide", [ModelFilter], [.. ModelFields, "decision"]),
        new("performance.checked", "monitor/performance, every run", [ModelFilter],
            [.. ModelFields, "window", "from", "until", "n", "pending", "unmatched", "enough_rows", "degraded", "task", "accuracy", "log_loss", "mae", "rmse",
             "win_rate", "win_rate_lower", "win_rate_upper", "calibration_error", "long_share", "short_share", "up_share", "directional_bias",
             "sharpe", "periods_per_year"]),
        new("performance.degraded", "monitor/performance, once per breached threshold", [ModelFilter], [.. ModelFields, "metric", "value", "threshold", "window", "n"]),
        new("trigger.skipped", "the dispatcher, when a concurrency policy refuses a firing", [PipelineFilter],
            [.. RunFields, "reason", "trigger_kind"]),
    ];

    public static EventType? Find(string name) => Types.FirstOrDefault(t => t.Name == name);

    /// <summary>The known type closest to a misspelt one, by edit distance.</summary>
    public static string Nearest(string name) => Types.MinBy(t => EditDistance.Between(t.Name, name))!.Name;
}
