using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Pipelines.Engine.Catalog;
using Pipelines.Engine.Diagnostics;
using Pipelines.Engine.Expressions;
using Pipelines.Engine.Formatting;
using Pipelines.Engine.Model;
using Pipelines.Engine.Parsing;
using Pipelines.Engine.Yaml;

namespace Pipelines.Studio;

/// <summary>
/// Turns an Elsa 3 workflow definition (as exported by us or saved by Studio) back into canonical pipeline
/// YAML. The meaning comes entirely from the definition: steps from activities, <c>with:</c> from Literal
/// inputs, <c>needs</c> from connections not already implied by references, params from variables. The
/// original text (the file on disk, or the source carried in the definition) only supplies comments and the
/// spelling of values whose meaning did not change, so an untouched definition gives back the same bytes.
/// Start and End nodes are diagram decoration and are dropped, as are the Cron triggers an export draws for
/// <c>on.schedule</c>: triggers are kept from the file, which stays their source of truth.
/// </summary>
public static partial class ElsaWorkflowImporter
{
    public const string ErrorCode = "PL-ELSA";

    /// <summary>Text with <c>${{ }}</c> references, the pipeline's own expressions; taken as literally as a Literal.</summary>
    public const string TemplateExpressionType = "Template";
    private static readonly HashSet<string> ActivityKeys = ["id", "nodeId", "name", "type", "version", "customProperties", "metadata"];

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_-]*$")]
    private static partial Regex IdentifierShape();

    /// <param name="definition">The workflow definition model (not the Save request wrapper).</param>
    /// <param name="originalText">The pipeline file's current text; when null, the source carried in the definition is used.</param>
    /// <param name="fileName">Name used in error locations.</param>
    /// <param name="schemaPath">Schema path for the first line, relative to the file written.</param>
    public static ElsaImportResult Import(JsonObject definition, StepCatalog catalog, string? originalText, string fileName, string schemaPath)
    {
        var at = new SourceLocation(fileName, 0, 0);
        originalText ??= (definition["customProperties"]?["pipelines"]?["source"] as JsonValue)?.GetValue<string>();
        var original = originalText is null ? null : YamlFileLoader.LoadText(fileName, originalText) as YamlMapping;
        var originalSteps = OriginalSteps(original);

        var root = definition["root"] as JsonObject ?? throw Error(at, "the definition has no 'root' activity");
        if (Str(root, "type") != ElsaNames.FlowchartType)
            throw Error(at, $"the root activity must be an {ElsaNames.FlowchartType}, found '{Str(root, "type")}'");
        var stepTypes = catalog.All.ToDictionary(d => ElsaNames.ActivityType(d.TypeName), StringComparer.Ordinal);

        var steps = new List<ImportedStep>();
        var decoration = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in root["activities"] as JsonArray ?? [])
        {
            if (node is not JsonObject activity) throw Error(at, "every item of 'root.activities' is an object");
            var activityId = Str(activity, "id") ?? throw Error(at, "an activity has no 'id'");
            var type = Str(activity, "type");
            if (type is ElsaNames.StartType or ElsaNames.EndType or ElsaNames.CronType) { decoration.Add(activityId); continue; }
            if (type is null || !stepTypes.TryGetValue(type, out var descriptor))
                throw Error(at, $"activity '{activityId}' has type '{type}', which is no step type; steps are {string.Join(", ", stepTypes.Keys.Order())}");
            var name = Str(activity, "name");
            var stepId = name is not null && IdentifierShape().IsMatch(name) ? name : activityId;
            if (!IdentifierShape().IsMatch(stepId))
                throw Error(at, $"activity '{activityId}' needs a name of letters, digits, '-' and '_' (starting with a letter) to become a step id");
            if (steps.Any(s => s.Id == stepId)) throw Error(at, $"two activities are both named '{stepId}'; step ids must be unique");
            steps.Add(new ImportedStep(activityId, stepId, descriptor, activity));
        }
        if (steps.Count == 0) throw Error(at, "the flowchart has no step activities");

        var byActivity = steps.ToDictionary(s => s.ActivityId, StringComparer.Ordinal);
        var incoming = steps.ToDictionary(s => s.Id, _ => new List<string>(), StringComparer.Ordinal);
        foreach (var node in root["connections"] as JsonArray ?? [])
        {
            var (source, target) = Connection(node, at);
            if (decoration.Contains(source) || decoration.Contains(target)) continue;
            if (!byActivity.TryGetValue(source, out var from) || !byActivity.TryGetValue(target, out var to))
                throw Error(at, $"a connection joins '{source}' to '{target}', but one of them is not an activity of the flowchart");
            if (from.Id == to.Id) throw Error(at, $"step '{from.Id}' is connected to itself");
            if (!incoming[to.Id].Contains(from.Id)) incoming[to.Id].Add(from.Id);
        }

        // Studio moves an edited activity to the end of its list; the file keeps its own step order.
        var originalOrder = originalSteps.Keys.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i, StringComparer.Ordinal);
        steps = steps.Select((step, i) => (step, i)).OrderBy(p => originalOrder.TryGetValue(p.step.Id, out var o) ? o : originalOrder.Count + p.i)
            .Select(p => p.step).ToList();
        var stepNodes = new List<YamlNode>();
        foreach (var step in steps)
        {
            originalSteps.TryGetValue(step.Id, out var originalStep);
            stepNodes.Add(YamlJson.PreferOriginal(StepNode(step, incoming[step.Id], originalStep, at), originalStep));
        }

        var entries = new List<KeyValuePair<YamlScalar, YamlNode>>
        {
            new(Key("name", at), YamlJson.Text(Str(definition, "name") ?? throw Error(at, "the definition has no 'name'"), at)),
        };
        if (Str(definition, "description") is { Length: > 0 } description) entries.Add(new(Key("description", at), YamlJson.Text(description, at)));
        // The designer shows no triggers, so a save keeps the file's own rather than dropping them.
        foreach (var key in (string[])["on", "concurrency"])
            if (original?.GetKey(key) is { } triggerKey) entries.Add(new(triggerKey, original.Get(key)!));
        var parameters = Parameters(definition, original?.Get("params") as YamlMapping, at);
        if (parameters.Entries.Count > 0) entries.Add(new(Key("params", at), parameters));
        entries.Add(new(Key("steps", at), new YamlSequence(at, stepNodes, false)));
        var yamlRoot = (YamlMapping)YamlJson.PreferOriginal(new YamlMapping(at, entries, false), original);

        var text = CanonicalYamlWriter.Write(yamlRoot, schemaPath) + ClosingComments(original, originalText, fileName, schemaPath);
        var parsed = PipelineParser.ParseText(fileName, text);
        var positions = new Dictionary<string, DesignerPosition>(StringComparer.Ordinal);
        foreach (var step in steps)
            if (Position(step.Activity) is { } position) positions[step.Id] = position;
        return new ElsaImportResult
        {
            PipelineName = parsed.Name,
            Yaml = text,
            Positions = positions,
            DefaultPositions = DesignerLayout.Layered(parsed.Steps.Select(s => s.Id), PipelineGraph.Of(parsed).Levels),
        };
    }

    private sealed record ImportedStep(string ActivityId, string Id, StepDescriptor Descriptor, JsonObject Activity);

    private static Dictionary<string, YamlMapping> OriginalSteps(YamlMapping? original)
    {
        var result = new Dictionary<string, YamlMapping>(StringComparer.Ordinal);
        if (original?.Get("steps") is YamlSequence sequence)
            foreach (var item in sequence.Items)
                if (item is YamlMapping step && step.Get("id") is YamlScalar id) result.TryAdd(id.Value, step);
        return result;
    }

    private static YamlMapping StepNode(ImportedStep step, List<string> sources, YamlMapping? original, SourceLocation at)
    {
        var entries = new List<KeyValuePair<YamlScalar, YamlNode>>
        {
            new(Key("id", at), YamlJson.Text(step.Id, at)),
            new(Key("uses", at), YamlJson.Text(step.Descriptor.TypeName, at)),
        };
        if (step.Activity["customProperties"]?["step"] is JsonObject extras)
            foreach (var (key, value) in extras)
                if (key is not ("id" or "uses" or "with" or "needs")) entries.Add(new(Key(key, at), YamlJson.FromJson(value?.DeepClone(), at)));
        var with = With(step, original?.Get("with") as YamlMapping, at);
        if (with.Entries.Count > 0) entries.Add(new(Key("with", at), with));

        // Connections a reference already implies stay implicit; an explicit 'needs' the file had is kept while its edge exists.
        var probe = new YamlMapping(at, entries, false);
        var referenced = PipelineGraph.ReferencedSteps(Probe(step.Id, step.Descriptor.TypeName, probe, at)).ToHashSet(StringComparer.Ordinal);
        var originalNeeds = (original?.Get("needs") as YamlSequence)?.Items.OfType<YamlScalar>().Select(s => s.Value).ToList() ?? [];
        var needs = originalNeeds.Where(sources.Contains).Concat(sources.Where(s => !referenced.Contains(s) && !originalNeeds.Contains(s))).Distinct().ToList();
        if (needs.Count > 0)
            entries.Insert(2, new(Key("needs", at), new YamlSequence(at, needs.Select(n => (YamlNode)YamlJson.Text(n, at)).ToList(), true)));
        return new YamlMapping(at, entries, false);
    }

    private static StepDefinition Probe(string id, string uses, YamlMapping node, SourceLocation at)
    {
        Template? condition = null;
        if (node.Get("if") is YamlScalar ifNode)
        {
            try { condition = Template.Parse(ifNode.Value); }
            catch (ExpressionSyntaxException e) { throw Error(at, $"step '{id}': 'if' is not a valid expression: {e.Message}"); }
        }
        return new StepDefinition
        {
            Id = id, IdNode = YamlJson.Text(id, at), Uses = uses, UsesNode = YamlJson.Text(uses, at),
            With = node.Get("with") as YamlMapping, Needs = [], If = condition, Timeout = null, Retry = null,
            ContinueOnError = false, Node = node,
        };
    }

    private static YamlMapping With(ImportedStep step, YamlMapping? original, SourceLocation at)
    {
        var values = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var (key, value) in step.Activity)
        {
            if (ActivityKeys.Contains(key)) continue;
            var input = step.Descriptor.Inputs.FirstOrDefault(i => ElsaNames.Camel(ElsaNames.InputProperty(i.Property.Name)) == key);
            var name = input?.Name ?? NameConvention.ToSnakeCase(key);
            var originalValue = original?.Get(name);
            var literal = Literal(value, $"step '{step.Id}' input '{name}'", at);
            var node = ToYaml(literal, input, (value as JsonObject)?["typeName"] is JsonValue t ? t.ToString() : null, originalValue,
                $"step '{step.Id}' input '{name}'", at);
            if (node is null) continue;
            // Studio fills in every input of the descriptor; one the file never set and left at its default stays unset.
            if (originalValue is null && input is not null && node is YamlScalar scalar && scalar.Value == ActivityDescriptors.DefaultText(input)) continue;
            values[name] = node;
            order.Add(name);
        }
        var entries = new List<KeyValuePair<YamlScalar, YamlNode>>();
        foreach (var (key, _) in original?.Entries ?? [])
            if (values.TryGetValue(key.Value, out var node)) entries.Add(new(key, node));
        foreach (var name in order)
            if (original?.Get(name) is null) entries.Add(new(Key(name, at), values[name]));
        return new YamlMapping(at, entries, false);
    }

    /// <summary>The literal an input carries: Elsa writes <c>{typeName, expression:{type:"Literal", value}}</c>, or a bare value.</summary>
    private static JsonNode? Literal(JsonNode? value, string what, SourceLocation at)
    {
        if (value is not JsonObject wrapped) return value;
        if (!wrapped.ContainsKey("expression") && !wrapped.ContainsKey("typeName")) return value;
        if (wrapped["expression"] is not JsonObject expression) return null;
        var type = Str(expression, "type") ?? "Literal";
        if (type is not ("Literal" or TemplateExpressionType))
            throw Error(at, $"{what} uses a {type} expression; pipelines take Literal values (write ${{{{ ... }}}} references as text)");
        return expression["value"];
    }

    private static YamlNode? ToYaml(JsonNode? literal, PropertyDescriptor? input, string? typeAlias, YamlNode? original, string what, SourceLocation at)
    {
        switch (literal)
        {
            case null:
                return null;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
            {
                var text = value.GetValue<string>();
                if (original is YamlScalar same && same.Value == text) return original;
                if (text.Length == 0) return null;
                var structured = input is null ? typeAlias == "Object" : ElsaNames.IsStructured(input.Type.Kind);
                var trimmed = text.TrimStart();
                if (structured && (trimmed.StartsWith('{') || trimmed.StartsWith('[')))
                    return YamlJson.FromJson(YamlJson.ParseJsonText(text, what, at), at);
                var alias = input is null ? typeAlias ?? "String" : ElsaNames.TypeAlias(input.Type.Kind);
                return YamlJson.Typed(text, alias, at);
            }
            default:
                return YamlJson.FromJson(literal.DeepClone(), at);
        }
    }

    private static YamlMapping Parameters(JsonObject definition, YamlMapping? original, SourceLocation at)
    {
        var entries = new List<KeyValuePair<YamlScalar, YamlNode>>();
        foreach (var node in definition["variables"] as JsonArray ?? [])
        {
            if (node is not JsonObject variable) throw Error(at, "every item of 'variables' is an object");
            var name = Str(variable, "name") ?? throw Error(at, "a variable has no 'name'");
            if (entries.Any(e => e.Key.Value == name)) throw Error(at, $"variable '{name}' is declared twice");
            var originalValue = original?.Get(name);
            var value = variable["value"] switch
            {
                null => new YamlScalar(at, "", false),
                var v => ToYaml(v, null, Str(variable, "typeName"), originalValue, $"variable '{name}'", at) ?? new YamlScalar(at, "", true),
            };
            entries.Add(new(original?.GetKey(name) ?? Key(name, at), YamlJson.PreferOriginal(value, originalValue)));
        }
        return new YamlMapping(at, entries, false);
    }

    private static (string Source, string Target) Connection(JsonNode? node, SourceLocation at)
    {
        if (node is not JsonObject connection) throw Error(at, "every item of 'connections' is an object");
        static string? End(JsonNode? end) => end switch
        {
            JsonObject o => Str(o, "activity") ?? Str(o, "Activity"),
            JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
            _ => null,
        };
        var source = End(connection["source"] ?? connection["Source"]);
        var target = End(connection["target"] ?? connection["Target"]);
        if (source is null || target is null) throw Error(at, "a connection needs 'source.activity' and 'target.activity'");
        return (source, target);
    }

    private static DesignerPosition? Position(JsonObject activity)
    {
        var position = activity["metadata"]?["designer"]?["position"];
        return YamlJson.TryGetNumber(position?["x"], out var px) && YamlJson.TryGetNumber(position?["y"], out var py)
            ? new DesignerPosition(px, py)
            : null;
    }

    /// <summary>Comments after the last value belong to no node; they are carried over from the original text.</summary>
    private static string ClosingComments(YamlMapping? original, string? originalText, string fileName, string schemaPath)
    {
        if (original is null || originalText is null) return "";
        var bare = CanonicalYamlWriter.Write(YamlFileLoader.LoadText(fileName, originalText) as YamlMapping ?? original, schemaPath);
        var formatted = CanonicalYamlWriter.Format(fileName, originalText, schemaPath);
        return formatted.StartsWith(bare, StringComparison.Ordinal) ? formatted[bare.Length..] : "";
    }

    private static string? Str(JsonObject obj, string key) =>
        obj[key] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static YamlScalar Key(string name, SourceLocation at) => new(at, name, false);

    private static PipelineValidationException Error(SourceLocation at, string message) => new(new Diagnostic(at, ErrorCode, message));
}
