using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Pipelines.Engine.Catalog;
using Pipelines.Engine.Model;
using Pipelines.Engine.Yaml;

namespace Pipelines.Studio;

/// <summary>
/// Writes a pipeline as an Elsa 3 workflow definition: an <c>Elsa.Flowchart</c> root with one activity per step
/// (its <c>with:</c> values as Literal inputs), a connection per DAG edge, parameters as workflow variables, and
/// designer positions from the sidecar or a layered layout. The source text rides along in
/// <c>customProperties.pipelines.source</c> so an import can keep comments and quoting of unchanged values.
/// Each <c>on.schedule</c> entry is drawn as Elsa's Cron trigger wired to the steps that start the pipeline; the
/// YAML stays the source of truth for triggers, so an import reads the schedule from the file, not from these nodes.
/// </summary>
public static class ElsaWorkflowExporter
{
    public const string SchemaUrl = "https://elsaworkflows.io/schemas/workflow-definition/v3.0.0/schema.json";
    public const string ToolVersion = "3.8.0.0";
    public const string WorkflowNodeId = "Workflow1";
    public const string FlowchartId = "Flowchart1";
    public const double NodeWidth = 220;
    public const double NodeHeight = 70;

    public static JsonObject Export(PipelineDefinition pipeline, StepCatalog catalog, string definitionId,
        IReadOnlyDictionary<string, DesignerPosition> savedPositions, DateTimeOffset createdAt)
    {
        var graph = PipelineGraph.Of(pipeline);
        var layout = DesignerLayout.Layered(pipeline.Steps.Select(s => s.Id), graph.Levels);
        var activities = new JsonArray();
        foreach (var step in pipeline.Steps)
        {
            var position = savedPositions.TryGetValue(step.Id, out var saved) ? saved : layout[step.Id];
            activities.Add(Activity(step, catalog.Find(step.Uses), position));
        }
        var connections = new JsonArray();
        foreach (var (from, to) in graph.Edges) connections.Add(Connection(from, to));
        var firstSteps = pipeline.Steps.Select(s => s.Id).Where(id => !graph.Edges.Any(e => e.To == id)).ToList();
        var schedules = pipeline.Triggers.Schedules;
        for (var i = 0; i < schedules.Count; i++)
        {
            var id = ScheduleActivityId(i);
            activities.Add(CronActivity(id, schedules[i], new DesignerPosition(-ElsaLayoutGap, i * DesignerLayout.RowHeight)));
            foreach (var step in firstSteps) connections.Add(Connection(id, step));
        }

        return new JsonObject
        {
            ["$schema"] = SchemaUrl,
            ["id"] = VersionId(definitionId, pipeline.SourceText),
            ["definitionId"] = definitionId,
            ["tenantId"] = null,
            ["name"] = pipeline.Name,
            ["description"] = pipeline.Description,
            ["createdAt"] = createdAt.ToUniversalTime().ToString("O"),
            ["version"] = 1,
            ["toolVersion"] = ToolVersion,
            ["variables"] = Variables(pipeline),
            ["inputs"] = new JsonArray(),
            ["outputs"] = new JsonArray(),
            ["outcomes"] = new JsonArray(),
            ["customProperties"] = new JsonObject
            {
                ["pipelines"] = new JsonObject { ["source"] = pipeline.SourceText },
            },
            ["isReadonly"] = false,
            ["isSystem"] = false,
            ["isLatest"] = true,
            ["isPublished"] = true,
            ["options"] = new JsonObject { ["autoUpdateConsumingWorkflows"] = false },
            ["root"] = new JsonObject
            {
                ["id"] = FlowchartId,
                ["nodeId"] = $"{WorkflowNodeId}:{FlowchartId}",
                ["name"] = FlowchartId,
                ["type"] = ElsaNames.FlowchartType,
                ["version"] = 1,
                ["customProperties"] = new JsonObject
                {
                    ["notFoundConnections"] = new JsonArray(),
                    ["canStartWorkflow"] = false,
                    ["runAsynchronously"] = false,
                },
                ["metadata"] = new JsonObject(),
                ["activities"] = activities,
                ["variables"] = new JsonArray(),
                ["connections"] = connections,
            },
        };
    }

    /// <summary>How far left of the first steps the schedule triggers are drawn.</summary>
    private const double ElsaLayoutGap = DesignerLayout.ColumnWidth;

    /// <summary>The activity id of the <paramref name="index"/>-th <c>on.schedule</c> entry (from 0).</summary>
    public static string ScheduleActivityId(int index) => $"schedule-{index + 1}";

    private static JsonObject Connection(string from, string to) => new()
    {
        ["source"] = new JsonObject { ["activity"] = from, ["port"] = "Done" },
        ["target"] = new JsonObject { ["activity"] = to, ["port"] = "In" },
        ["vertices"] = new JsonArray(),
    };

    private static JsonObject CronActivity(string id, Pipelines.Engine.Triggers.ScheduleTrigger schedule, DesignerPosition position)
    {
        var zone = schedule.TimeZone == TimeZoneInfo.Utc ? "UTC" : schedule.TimeZone.Id;
        return new JsonObject
        {
            ["cronExpression"] = new JsonObject
            {
                ["typeName"] = "String",
                ["expression"] = new JsonObject { ["type"] = "Literal", ["value"] = schedule.Cron.Text },
            },
            ["id"] = id,
            ["nodeId"] = $"{WorkflowNodeId}:{FlowchartId}:{id}",
            ["name"] = id,
            ["type"] = ElsaNames.CronType,
            ["version"] = 1,
            ["customProperties"] = new JsonObject { ["canStartWorkflow"] = true, ["runAsynchronously"] = false, ["timeZone"] = zone },
            ["metadata"] = new JsonObject
            {
                ["designer"] = new JsonObject
                {
                    ["position"] = new JsonObject { ["x"] = position.X, ["y"] = position.Y },
                    ["size"] = new JsonObject { ["width"] = NodeWidth, ["height"] = NodeHeight },
                },
                ["displayText"] = schedule.Cron.Text,
                ["description"] = $"on.schedule, {zone}",
                ["showDescription"] = true,
            },
        };
    }

    /// <summary>A version id that changes exactly when the file's text does, so run records can name the version they ran.</summary>
    public static string VersionId(string definitionId, string sourceText)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(sourceText));
        return $"{definitionId}@{Convert.ToHexStringLower(hash.AsSpan(0, 8))}";
    }

    private static JsonArray Variables(PipelineDefinition pipeline)
    {
        var variables = new JsonArray();
        foreach (var (key, value) in pipeline.Params)
        {
            var (typeName, text) = value switch
            {
                YamlScalar scalar => (ScalarAlias(scalar), scalar.IsNull ? null : scalar.Value),
                _ => ("Object", YamlJson.ToJsonText(value)),
            };
            variables.Add(new JsonObject
            {
                ["id"] = "param-" + key.Value,
                ["name"] = key.Value,
                ["typeName"] = typeName,
                ["isArray"] = false,
                ["value"] = text,
                ["storageDriverTypeName"] = null,
            });
        }
        return variables;
    }

    private static string ScalarAlias(YamlScalar scalar) => YamlJson.ToJson(scalar) switch
    {
        JsonValue v when v.GetValueKind() is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False => "Boolean",
        JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.Number => scalar.TryGetInteger(out _) ? "Int64" : "Double",
        _ => "String",
    };

    private static JsonObject Activity(StepDefinition step, StepDescriptor? descriptor, DesignerPosition position)
    {
        var activity = new JsonObject();
        if (step.With is not null)
        {
            foreach (var (key, value) in step.With.Entries)
            {
                var input = descriptor?.FindInput(key.Value);
                var jsonKey = input is null ? ElsaNames.InputKey(key.Value) : ElsaNames.Camel(ElsaNames.InputProperty(input.Property.Name));
                var (typeName, literal) = value switch
                {
                    YamlScalar scalar => (input is null ? "String" : ElsaNames.TypeAlias(input.Type.Kind), scalar.IsNull ? null : scalar.Value),
                    _ => ("Object", YamlJson.ToJsonText(value)),
                };
                activity[jsonKey] = new JsonObject
                {
                    ["typeName"] = typeName,
                    ["expression"] = new JsonObject { ["type"] = "Literal", ["value"] = literal },
                };
            }
        }
        var stepProperties = new JsonObject();
        foreach (var (key, value) in step.Node.Entries)
            if (key.Value is not ("id" or "uses" or "with" or "needs")) stepProperties[key.Value] = YamlJson.ToJson(value);
        var customProperties = new JsonObject { ["canStartWorkflow"] = false, ["runAsynchronously"] = false };
        if (stepProperties.Count > 0) customProperties["step"] = stepProperties;

        activity["id"] = step.Id;
        activity["nodeId"] = $"{WorkflowNodeId}:{FlowchartId}:{step.Id}";
        activity["name"] = step.Id;
        activity["type"] = descriptor is null ? ElsaNames.ActivityType(step.Uses) : ElsaNames.ActivityType(descriptor.TypeName);
        activity["version"] = descriptor?.Version ?? 1;
        activity["customProperties"] = customProperties;
        activity["metadata"] = new JsonObject
        {
            ["designer"] = new JsonObject
            {
                ["position"] = new JsonObject { ["x"] = position.X, ["y"] = position.Y },
                ["size"] = new JsonObject { ["width"] = NodeWidth, ["height"] = NodeHeight },
            },
            // The node's title is the step id; the step type's display name is shown beneath it.
            ["displayText"] = step.Id,
            ["description"] = descriptor?.DisplayName ?? step.Uses,
            ["showDescription"] = true,
        };
        return activity;
    }
}
