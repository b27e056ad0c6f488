using System.Text.Json.Nodes;
using Pipelines.Engine.Parsing;
using Pipelines.Engine.Triggers;

namespace Pipelines.Engine.Schema;

/// <summary>
/// The JSON Schema of <c>on:</c> and <c>concurrency:</c>, built from the same catalogue and names the parser
/// checks against, so an editor offers exactly the event types and policies the engine accepts.
/// </summary>
internal static class TriggerSchema
{
    public static JsonObject On() => new()
    {
        ["description"] = "What starts the pipeline besides 'pipelines run': schedules, events, and which params a manual start may set. " +
                          "The service fires these; 'pipelines run' ignores them.",
        ["type"] = "object",
        ["additionalProperties"] = false,
        ["properties"] = new JsonObject
        {
            ["schedule"] = new JsonObject
            {
                ["description"] = "Schedules in standard cron; each fire has an idempotency key (pipeline + scheduled time).",
                ["type"] = "array",
                ["items"] = Schedule(),
            },
            ["events"] = new JsonObject
            {
                ["description"] = "Events that start the pipeline; each event starts at most one run (pipeline + event id).",
                ["type"] = "array",
                ["items"] = EventSubscription(),
            },
            ["manual"] = new JsonObject
            {
                ["description"] = "A start by hand (CLI, API, Studio) is always possible; this names the params it may set, all when absent.",
                ["type"] = "object",
                ["additionalProperties"] = false,
                ["properties"] = new JsonObject
                {
                    ["params"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "string" } },
                },
            },
        },
    };

    public static JsonObject Concurrency() => new()
    {
        ["description"] = "What a start does while a run of this pipeline is going: allow (default), forbid (recorded as trigger.skipped), " +
                          "replace the running run, or queue behind it.",
        ["enum"] = Strings(TriggerNames.ConcurrencyPolicies),
    };

    private static JsonObject Schedule() => new()
    {
        ["type"] = "object",
        ["additionalProperties"] = false,
        ["required"] = Strings(["cron"]),
        ["properties"] = new JsonObject
        {
            ["cron"] = new JsonObject
            {
                ["description"] = "Standard cron: minute hour day-of-month month day-of-week (Sunday is 0 or 7; names, ranges, lists, */n), " +
                                  "with an optional leading seconds field.",
                ["type"] = "string",
            },
            ["timezone"] = new JsonObject { ["description"] = "IANA time zone the cron is read in; UTC when absent.", ["type"] = "string" },
            ["catch_up"] = new JsonObject
            {
                ["description"] = "Fires missed while nothing ran: none (default), latest, or all.",
                ["enum"] = Strings(TriggerNames.CatchUpPolicies),
            },
        },
    };

    private static JsonObject EventSubscription()
    {
        var filters = EventCatalog.Types.SelectMany(t => t.Filters).Distinct().ToList();
        var properties = new JsonObject
        {
            [TriggerParser.EventTypeKey] = new JsonObject
            {
                ["description"] = $"An event type of the engine or its steps, or a pipeline's own type (published by events/publish), which starts with '{Pipelines.Abstractions.EventTypeName.PipelinePrefix}'.",
                ["anyOf"] = new JsonArray(
                    new JsonObject { ["enum"] = Strings(EventCatalog.Types.Select(t => t.Name)) },
                    new JsonObject { ["type"] = "string", ["pattern"] = PipelineTypePattern }),
            },
        };
        foreach (var filter in filters)
            properties[filter] = filter == EventCatalog.MinSeverityFilter
                ? new JsonObject { ["enum"] = Strings(Enum.GetNames<DriftSeverityLevel>().Select(n => n.ToUpperInvariant())) }
                : new JsonObject { ["type"] = "string" };
        return new JsonObject
        {
            ["type"] = "object",
            ["required"] = Strings([TriggerParser.EventTypeKey]),
            ["properties"] = properties,
            // Each type accepts only its own filters, as the parser does.
            ["allOf"] = new JsonArray(EventCatalog.Types.Select(type => (JsonNode?)new JsonObject
            {
                ["if"] = new JsonObject
                {
                    ["properties"] = new JsonObject { [TriggerParser.EventTypeKey] = new JsonObject { ["const"] = type.Name } },
                },
                ["then"] = new JsonObject { ["propertyNames"] = new JsonObject { ["enum"] = Strings([TriggerParser.EventTypeKey, .. type.Filters]) } },
            }).Append(new JsonObject
            {
                ["if"] = new JsonObject
                {
                    ["properties"] = new JsonObject { [TriggerParser.EventTypeKey] = new JsonObject { ["pattern"] = PipelineTypePattern } },
                },
                ["then"] = new JsonObject
                {
                    ["propertyNames"] = new JsonObject { ["enum"] = Strings([TriggerParser.EventTypeKey, .. EventCatalog.PipelineType("custom.x").Filters]) },
                },
            }).ToArray()),
        };
    }

    /// <summary>The shape of a pipeline's own event type, as <see cref="Pipelines.Abstractions.EventTypeName"/> checks it.</summary>
    private const string PipelineTypePattern = "^custom(\\.[a-z][a-z0-9_]*)+$";

    private static JsonArray Strings(IEnumerable<string> items) => new(items.Select(i => (JsonNode?)i).ToArray());
}
