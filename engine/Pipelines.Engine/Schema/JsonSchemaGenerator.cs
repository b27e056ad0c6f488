using System.Collections;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pipelines.Abstractions;
using Pipelines.Engine.Catalog;
using Pipelines.Engine.Model;
using Pipelines.Engine.Settings;
using ValueType = Pipelines.Engine.Catalog.ValueType;

namespace Pipelines.Engine.Schema;

/// <summary>
/// JSON Schemas (draft-07, what yaml-language-server reads) for pipeline files and <c>ml.yaml</c>, generated
/// from the step catalogue and the settings records so editors complete and check exactly what the engine
/// accepts. Output is deterministic: same catalogue, same bytes.
/// </summary>
public static class JsonSchemaGenerator
{
    public const string Draft07 = "http://json-schema.org/draft-07/schema#";
    public const string IdentifierPattern = "^[A-Za-z][A-Za-z0-9_-]*$";
    public const string DurationPattern = "^(?:[0-9]+(?:\\.[0-9]+)?(?:ms|d|h|m|s))+$";

    /// <summary>Any text holding <c>${{</c>: its type is only known once the expression is resolved.</summary>
    public const string ExpressionPattern = "\\$\\{\\{";

    /// <summary>ml.yaml may only read the environment.</summary>
    public const string EnvironmentExpressionPattern = "\\$\\{\\{\\s*env\\.[A-Za-z_][A-Za-z0-9_]*\\s*\\}\\}";

    private static readonly JsonSerializerOptions Output = new()
    {
        WriteIndented = true,
        IndentSize = 2,
        NewLine = "\n",
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Pipeline(StepCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var types = catalog.All.ToList();
        var step = new JsonObject
        {
            ["type"] = "object",
            ["description"] = "One step: an instance of a step type from the catalogue.",
            ["additionalProperties"] = false,
            ["required"] = Array("id", "uses"),
            ["properties"] = new JsonObject
            {
                ["id"] = Described("Unique name of the step; other steps refer to its outputs as steps.ID.outputs.NAME.",
                    new JsonObject { ["type"] = "string", ["pattern"] = IdentifierPattern }),
                ["uses"] = Described("The step type.", new JsonObject { ["enum"] = Array(types.Select(t => t.TypeName).ToArray()) }),
                ["needs"] = Described("Steps that must finish first, besides those whose outputs this step reads.", new JsonObject
                {
                    ["anyOf"] = new JsonArray(
                        new JsonObject { ["type"] = "string", ["pattern"] = IdentifierPattern },
                        new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "string", ["pattern"] = IdentifierPattern } }),
                }),
                ["if"] = Described("Run the step only when this condition holds; ${{ }} may be omitted.", new JsonObject { ["type"] = "string" }),
                ["timeout"] = Described("Longest the step may run, e.g. 30s, 5m, 1h30m.", Duration()),
                ["retry"] = Described("Attempts for a failing step: a number, or attempts with a doubling backoff.", new JsonObject
                {
                    ["anyOf"] = new JsonArray(
                        Attempts(),
                        new JsonObject
                        {
                            ["type"] = "object",
                            ["additionalProperties"] = false,
                            ["properties"] = new JsonObject
                            {
                                ["attempts"] = WithDefault(Attempts(), 3),
                                ["backoff"] = WithDefault(Described("Wait before the second attempt; doubles after each failure.", Duration()), "1s"),
                                ["max-backoff"] = WithDefault(Described("Longest wait between attempts.", Duration()), "1m"),
                            },
                        }),
                }),
                ["continue-on-error"] = Described("Let dependent steps run even if this one fails.", new JsonObject { ["type"] = "boolean", ["default"] = false }),
                ["runs-on"] = Described("In a cluster, the node label the step needs: only a worker started with --labels naming it runs the step.",
                    new JsonObject { ["type"] = "string", ["pattern"] = "^[a-z][a-z0-9-]{0,39}$" }),
                ["with"] = Described("Inputs of the step type.", new JsonObject { ["type"] = "object" }),
            },
        };
        if (types.Count > 0)
            step["allOf"] = new JsonArray(types.Select(StepTypeRule).ToArray<JsonNode?>());

        var parameterValue = new JsonObject { ["type"] = Array("string", "number", "boolean", "null") };
        var root = new JsonObject
        {
            ["$schema"] = Draft07,
            ["title"] = "Pipeline",
            ["description"] = "A pipeline file: named steps from the catalogue, wired by ${{ }} references.",
            ["type"] = "object",
            ["additionalProperties"] = false,
            ["required"] = Array("name", "steps"),
            ["properties"] = new JsonObject
            {
                ["name"] = Described("Name of the pipeline: letters, digits, '-' and '_', starting with a letter.",
                    new JsonObject { ["type"] = "string", ["pattern"] = IdentifierPattern }),
                ["description"] = Described("What the pipeline is for.", new JsonObject { ["type"] = "string" }),
                ["on"] = TriggerSchema.On(),
                ["concurrency"] = TriggerSchema.Concurrency(),
                ["params"] = Described("Parameters and their default values; read as ${{ params.NAME }}, overridden on the command line.", new JsonObject
                {
                    ["type"] = "object",
                    ["propertyNames"] = new JsonObject { ["pattern"] = IdentifierPattern },
                    ["additionalProperties"] = new JsonObject
                    {
                        ["anyOf"] = new JsonArray(parameterValue, new JsonObject { ["type"] = "array", ["items"] = parameterValue.DeepClone() }),
                    },
                }),
                ["steps"] = Described("The steps, in any order: dependencies decide the order of execution.", new JsonObject
                {
                    ["type"] = "array",
                    ["minItems"] = 1,
                    ["items"] = new JsonObject { ["$ref"] = "#/definitions/step" },
                }),
            },
            ["definitions"] = new JsonObject { ["step"] = step },
        };
        return Serialize(root);
    }

    public static string Settings()
    {
        var root = ObjectSchema(ValueType.Of(typeof(MlSettings)), EnvironmentExpressionPattern, prototype: new MlSettings());
        var schema = new JsonObject
        {
            ["$schema"] = Draft07,
            ["title"] = MlSettings.FileName,
            ["description"] = "Workspace settings; every key has a default. Values may read the environment as ${{ env.NAME }}.",
        };
        return Serialize(MoveInto(schema, root));
    }

    private static JsonObject StepTypeRule(StepDescriptor descriptor)
    {
        var with = ObjectSchema(ValueType.Of(descriptor.InputType), ExpressionPattern, prototype: null, descriptor.Inputs);
        var then = new JsonObject { ["properties"] = new JsonObject { ["with"] = with } };
        if (descriptor.Inputs.Any(i => i.IsRequired)) then["required"] = Array("with");
        return new JsonObject
        {
            ["if"] = new JsonObject
            {
                ["properties"] = new JsonObject { ["uses"] = new JsonObject { ["const"] = descriptor.TypeName } },
                ["required"] = Array("uses"),
            },
            ["then"] = then,
        };
    }

    /// <summary>
    /// An object with its documented properties. Defaults come from the descriptor, or for a nested settings
    /// section from the enclosing default instance (<paramref name="prototype"/>).
    /// </summary>
    private static JsonObject ObjectSchema(ValueType type, string expressionPattern, object? prototype, IReadOnlyList<PropertyDescriptor>? properties = null)
    {
        properties ??= type.Properties;
        var result = new JsonObject { ["type"] = "object", ["additionalProperties"] = false };
        var schemas = new JsonObject();
        foreach (var property in properties)
        {
            var defaultValue = prototype is null ? property.DefaultValue : property.Property.GetValue(prototype);
            var schema = Described(property.Description, ValueSchema(property.Type, expressionPattern, defaultValue));
            if (!property.IsRequired && defaultValue is not null) schema["default"] = ToJson(defaultValue, property.Type);
            schemas[property.Name] = schema;
        }
        result["properties"] = schemas;
        var required = properties.Where(p => p.IsRequired).Select(p => p.Name).ToArray();
        if (required.Length > 0) result["required"] = Array(required);
        return result;
    }

    /// <summary>
    /// The schema of one value; a scalar, list or map also accepts an expression string, since its type is only
    /// known when the expression is resolved (text already does).
    /// </summary>
    private static JsonObject ValueSchema(ValueType type, string expressionPattern, object? prototype)
    {
        var expression = new JsonObject { ["type"] = "string", ["pattern"] = expressionPattern };
        JsonObject typed;
        switch (type.Kind)
        {
            case ValueKind.String or ValueKind.Path:
                return new JsonObject { ["type"] = "string" };
            case ValueKind.Artifact:
                return expression;
            case ValueKind.Integer: typed = new JsonObject { ["type"] = "integer" }; break;
            case ValueKind.Number: typed = new JsonObject { ["type"] = "number" }; break;
            case ValueKind.Boolean: typed = new JsonObject { ["type"] = "boolean" }; break;
            case ValueKind.Duration: typed = Duration(); break;
            case ValueKind.Enum: typed = new JsonObject { ["enum"] = Array(type.EnumNames.ToArray()) }; break;
            case ValueKind.List:
                typed = new JsonObject { ["type"] = "array", ["items"] = ValueSchema(type.Element!, expressionPattern, null) };
                break;
            case ValueKind.Map:
                typed = new JsonObject { ["type"] = "object", ["additionalProperties"] = ValueSchema(type.Element!, expressionPattern, null) };
                break;
            case ValueKind.Object:
                // Sections and records are written out key by key; the binder does not take them from an expression.
                return ObjectSchema(type, expressionPattern, prototype);
            default:
                throw new InvalidOperationException($"no JSON Schema for values of kind {type.Kind}");
        }
        return new JsonObject { ["anyOf"] = new JsonArray(typed, expression) };
    }

    /// <summary>A default value as YAML would write it: durations as 30s, enums by their snake_case name.</summary>
    private static JsonNode? ToJson(object? value, ValueType type) => value switch
    {
        null => null,
        string s => s,
        bool b => b,
        int i => i,
        long l => l,
        double d => d,
        float f => f,
        TimeSpan t => DurationText.Format(t),
        Enum e => NameConvention.ToSnakeCase(e.ToString()),
        WorkspacePath p => p.Relative,
        IDictionary map => new JsonObject(map.Keys.Cast<object>().OrderBy(k => (string)k, StringComparer.Ordinal)
            .Select(k => KeyValuePair.Create((string)k, ToJson(map[k], type.Element!)))),
        IEnumerable list => new JsonArray(list.Cast<object?>().Select(v => ToJson(v, type.Element!)).ToArray()),
        _ when type.Kind == ValueKind.Object => new JsonObject(type.Properties
            .Where(p => p.Property.GetValue(value) is not null)
            .Select(p => KeyValuePair.Create(p.Name, ToJson(p.Property.GetValue(value), p.Type)))),
        _ => throw new InvalidOperationException($"cannot write a default of type {value.GetType().Name}"),
    };

    private static JsonObject Duration() => new() { ["type"] = "string", ["pattern"] = DurationPattern };

    private static JsonObject Attempts() => new() { ["type"] = "integer", ["minimum"] = 1, ["maximum"] = 100 };

    /// <summary>The schema with its description first, where editors and readers look for it.</summary>
    private static JsonObject Described(string description, JsonObject schema) =>
        MoveInto(new JsonObject { ["description"] = description }, schema);

    private static JsonObject MoveInto(JsonObject target, JsonObject source)
    {
        foreach (var (key, value) in source.ToList())
        {
            source.Remove(key);
            target[key] = value;
        }
        return target;
    }

    private static JsonObject WithDefault(JsonObject schema, JsonNode value)
    {
        schema["default"] = value;
        return schema;
    }

    private static JsonArray Array(params string[] items) => new(items.Select(i => (JsonNode?)i).ToArray());

    private static string Serialize(JsonNode node) => node.ToJsonString(Output) + "\n";
}
