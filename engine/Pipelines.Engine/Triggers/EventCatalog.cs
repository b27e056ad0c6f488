using Pipelines.Abstractions;
using Pipelines.Engine.Diagnostics;

namespace Pipelines.Engine.Triggers;

/// <summary>
/// Every event type a pipeline can subscribe to, in one place: a subscription naming anything else would wait
/// for an event nobody publishes, so it is refused before anything is scheduled. Besides the engine's and its steps'
/// types listed here, a pipeline publishes its own with <c>events/publish</c>; their names start with
/// <see cref="EventTypeName.PipelinePrefix"/>, so a subscription to one is recognised by its name alone.
/// </summary>
public static class EventCatalog
{
    public const string ModelFilter = "model";
    public const string MinSeverityFilter = "min_severity";
    public const string PipelineFilter = "pipeline";

    private static readonly string[] RunFields = ["id", "type", "time", "pipeline", "run_id"];
    private static readonly string[] ModelFields = ["id", "type", "time", "model", "version", "alias", "run_id"];
    private static readonly string[] PipelineTypeFields = ["id", "type", "time", "pipeline", "run_id", "model", "feature"];

    public static IReadOnlyList<EventType> Types { get; } =
    [
        new("run.started", "the engine, when a run begins or resumes", [PipelineFilter], [.. RunFields, "trigger_kind", "resumed"]),
        new("run.succeeded", "the engine, when a run ends with every step done", [PipelineFilter], [.. RunFields, "trigger_kind"]),
        new("run.failed", "the engine, when a run ends with a failed step", [PipelineFilter], [.. RunFields, "trigger_kind", "error", "failed_steps"]),
        new("run.cancelled", "the engine, when a run is stopped", [PipelineFilter], [.. RunFields, "trigger_kind"]),
        new("drift.detected", "drift/check, once per check with a finding of MEDIUM or worse (feature and figures of the worst)", [ModelFilter, MinSeverityFilter],
            ["id", "type", "time", "model", "feature", "statistic", "value", "severity", "run_id", "version", "detail", "retrain", "drifted", "findings"]),
        new("model.registered", "the registry, when a model version enters it (registry/register)", [ModelFilter],
            [.. ModelFields, "reason"]),
        new("model.promoted", "the registry, when an alias moves to a version (registry/promote)", [ModelFilter],
            [.. ModelFields, "reason", "previous_version"]),
        new("model.rolled_back", "the registry, when an alias goes back to its previous version (registry/rollback)", [ModelFilter],
            [.. ModelFields, "reason", "previous_version"]),
        new("model.retired", "the registry, when a new champion replaces a version or retention prunes it", [ModelFilter],
            [.. ModelFields, "reason"]),
        new("shadow.decided", "shadow/compare", [ModelFilter],
            [.. ModelFields, "decision", "champion_version", "challenger_version", "scored", "champion_loss", "challenger_loss", "lower_bound", "p_value"]),
        new("performance.checked", "monitor/performance, every run", [ModelFilter],
            [.. ModelFields, "window", "from", "until", "n", "pending", "unmatched", "enough_rows", "degraded", "task", "accuracy", "log_loss", "mae", "rmse",
             "win_rate", "win_rate_lower", "win_rate_upper", "calibration_error", "long_share", "short_share", "up_share", "directional_bias",
             "sharpe", "periods_per_year"]),
        new("performance.degraded", "monitor/performance, once per breached threshold", [ModelFilter], [.. ModelFields, "metric", "value", "threshold", "window", "n"]),
        new("archive.captured", "archive/capture, once per rare event it adds to an archive (never for a window already archived)", [PipelineFilter],
            [.. RunFields, "archive", "event", "window_start", "window_end", "rows", "rows_sha256", "days", "criteria"]),
        new("trigger.skipped", "the dispatcher, when a concurrency policy refuses a firing", [PipelineFilter],
            [.. RunFields, "reason", "trigger_kind"]),
    ];

    /// <summary>A catalogue type, or a pipeline's own type (<c>custom.*</c>); null for any other name.</summary>
    public static EventType? Find(string name) =>
        Types.FirstOrDefault(t => t.Name == name) ?? (EventTypeName.IsPipelineType(name) ? PipelineType(name) : null);

    /// <summary>
    /// A type a pipeline publishes with <c>events/publish</c>: filtered by model or publishing pipeline; a run it starts
    /// reads the envelope's fields and any key of the payload.
    /// </summary>
    public static EventType PipelineType(string name) =>
        new(name, "an events/publish step of a pipeline", [ModelFilter, PipelineFilter], PipelineTypeFields, OpenPayload: true);

    /// <summary>Why a subscription's type is unknown, with the nearest known name; the sentence the parser reports.</summary>
    public static string UnknownTypeMessage(string name) => name.StartsWith(EventTypeName.PipelinePrefix, StringComparison.Ordinal)
        ? EventTypeName.PipelineTypeProblem(name) ?? $"event type '{name}' is not known"
        : $"no step or engine publishes event type '{name}'; did you mean '{Nearest(name)}'? " +
          $"(a pipeline's own types, published by events/publish, start with '{EventTypeName.PipelinePrefix}')";

    /// <summary>The known type closest to a misspelt one, by edit distance.</summary>
    public static string Nearest(string name) => Types.MinBy(t => EditDistance.Between(t.Name, name))!.Name;
}
