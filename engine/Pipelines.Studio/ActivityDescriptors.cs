using System.Text.Json.Nodes;
using Pipelines.Engine.Catalog;

namespace Pipelines.Studio;

/// <summary>
/// Elsa <c>ActivityDescriptor</c>s built from the step catalogue (the same descriptors that generate the JSON
/// Schema and the docs), plus the flowchart and the start and end nodes the designer knows.
/// </summary>
public static class ActivityDescriptors
{
    public static JsonArray All(StepCatalog catalog)
    {
        var items = new JsonArray { Flowchart(), Start(), End(), Cron() };
        foreach (var step in catalog.All) items.Add(ForStep(step));
        return items;
    }

    public static JsonObject ForStep(StepDescriptor step)
    {
        var type = ElsaNames.ActivityType(step.TypeName);
        var inputs = new JsonArray();
        for (var i = 0; i < step.Inputs.Count; i++) inputs.Add(Input(step.Inputs[i], i));
        var outputs = new JsonArray();
        for (var i = 0; i < step.Outputs.Count; i++) outputs.Add(Output(step.Outputs[i], i));
        return Descriptor(type, step.Version, step.Category, step.DisplayName, step.Description, "Task", inputs, outputs,
            new JsonArray { Port("Done") }, isStart: false, isTerminal: false, isContainer: false, isBrowsable: true,
            new JsonObject { ["stepType"] = step.TypeName });
    }

    private static JsonObject Input(PropertyDescriptor input, int order) => new()
    {
        ["name"] = ElsaNames.InputProperty(input.Property.Name),
        ["typeName"] = ElsaNames.TypeAlias(input.Type.Kind),
        ["displayName"] = ElsaNames.Label(input.Name),
        ["description"] = Describe(input),
        ["category"] = "Inputs",
        ["order"] = order,
        ["isBrowsable"] = true,
        ["isSerializable"] = true,
        ["isSynthetic"] = false,
        ["isWrapped"] = true,
        ["isReadOnly"] = false,
        ["isSensitive"] = false,
        ["autoEvaluate"] = true,
        ["uiHint"] = UiHint(input),
        ["defaultValue"] = DefaultText(input),
        ["defaultSyntax"] = "Literal",
        ["storageDriverType"] = null,
        ["evaluatorType"] = null,
        ["uiSpecifications"] = null,
    };

    private static JsonObject Output(PropertyDescriptor output, int order) => new()
    {
        ["name"] = output.Property.Name,
        ["typeName"] = ElsaNames.TypeAlias(output.Type.Kind),
        ["displayName"] = ElsaNames.Label(output.Name),
        ["description"] = output.Description,
        ["category"] = "Outputs",
        ["order"] = order,
        ["isBrowsable"] = true,
        ["isSerializable"] = true,
        ["isSynthetic"] = false,
    };

    private static string Describe(PropertyDescriptor input)
    {
        var text = input.Description;
        if (input.IsRequired) text += " (required)";
        if (input.Type.Kind == ValueKind.Enum) text += $" One of: {string.Join(", ", input.Type.EnumNames)}.";
        if (ElsaNames.IsStructured(input.Type.Kind)) text += $" JSON ({input.Type.DisplayName}).";
        return text;
    }

    /// <summary>The editor Studio shows: the step's own hint, else one that fits the value kind.</summary>
    public static string UiHint(PropertyDescriptor input) => input.UIHint ?? input.Type.Kind switch
    {
        ValueKind.Boolean => "checkbox",
        ValueKind.List or ValueKind.Map or ValueKind.Object => "multiline",
        _ => "singleline",
    };

    /// <summary>The default as the designer shows it: the YAML spelling of a scalar, JSON text of a structure.</summary>
    public static string? DefaultText(PropertyDescriptor input) => input.DefaultValue switch
    {
        null => null,
        bool b => b ? "true" : "false",
        TimeSpan t => Pipelines.Engine.Model.DurationText.Format(t),
        Enum e => NameConvention.ToSnakeCase(e.ToString()),
        string s => s,
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        var other => System.Text.Json.JsonSerializer.Serialize(other),
    };

    private static JsonObject Flowchart() => Descriptor(ElsaNames.FlowchartType, 1, "Flow", "Flowchart",
        "The pipeline: its steps and the dependencies between them.", "Action", [], [], [],
        isStart: false, isTerminal: false, isContainer: true, isBrowsable: false, new JsonObject());

    private static JsonObject Start() => Descriptor(ElsaNames.StartType, 1, "Flow", "Start",
        "Marks where the diagram begins; it does not become a step.", "Action", [], [], new JsonArray { Port("Done") },
        isStart: true, isTerminal: false, isContainer: false, isBrowsable: true, new JsonObject());

    private static JsonObject End() => Descriptor(ElsaNames.EndType, 1, "Flow", "End",
        "Marks where the diagram ends; it does not become a step.", "Action", [], [], [],
        isStart: false, isTerminal: true, isContainer: false, isBrowsable: true, new JsonObject());

    /// <summary>
    /// Elsa's Cron trigger, as the designer needs it to draw an exported schedule. Its expression is the pipeline's
    /// standard cron; the YAML's <c>on:</c> stays the source of truth, so the node is read-only decoration.
    /// </summary>
    private static JsonObject Cron() => Descriptor(ElsaNames.CronType, 1, "Scheduling", "Cron",
        "Starts the pipeline on the schedule its on.schedule declares; edit the schedule in the YAML.", "Trigger",
        new JsonArray
        {
            new JsonObject
            {
                ["name"] = "CronExpression", ["typeName"] = "String", ["displayName"] = "Cron expression",
                ["description"] = "Standard cron: minute hour day-of-month month day-of-week, or six fields with seconds first.",
                ["category"] = "Inputs", ["order"] = 0, ["isBrowsable"] = true, ["isSerializable"] = true, ["isSynthetic"] = false,
                ["isWrapped"] = true, ["isReadOnly"] = true, ["isSensitive"] = false, ["autoEvaluate"] = true, ["uiHint"] = "singleline",
                ["defaultValue"] = null, ["defaultSyntax"] = "Literal", ["storageDriverType"] = null, ["evaluatorType"] = null,
                ["uiSpecifications"] = null,
            },
        },
        [], new JsonArray { Port("Done") }, isStart: true, isTerminal: false, isContainer: false, isBrowsable: false, new JsonObject());

    private static JsonObject Port(string name) => new() { ["name"] = name, ["displayName"] = name, ["type"] = "Flow", ["isBrowsable"] = true };

    private static JsonObject Descriptor(string typeName, int version, string category, string displayName, string description, string kind,
        JsonArray inputs, JsonArray outputs, JsonArray ports, bool isStart, bool isTerminal, bool isContainer, bool isBrowsable, JsonObject customProperties)
    {
        var dot = typeName.LastIndexOf('.');
        return new JsonObject
        {
            ["typeName"] = typeName,
            ["namespace"] = typeName[..dot],
            ["name"] = typeName[(dot + 1)..],
            ["version"] = version,
            ["category"] = category,
            ["displayName"] = displayName,
            ["description"] = description,
            ["tenantId"] = null,
            ["clrType"] = typeName,
            ["kind"] = kind,
            ["runAsynchronously"] = false,
            ["inputs"] = inputs,
            ["outputs"] = outputs,
            ["ports"] = ports,
            ["customProperties"] = customProperties,
            ["constructionProperties"] = new JsonObject(),
            ["isContainer"] = isContainer,
            ["isBrowsable"] = isBrowsable,
            ["isStart"] = isStart,
            ["isTerminal"] = isTerminal,
        };
    }
}
