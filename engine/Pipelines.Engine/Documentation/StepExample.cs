using System.Text.RegularExpressions;
using Pipelines.Engine.Catalog;
using Pipelines.Engine.Diagnostics;
using Pipelines.Engine.Formatting;
using Pipelines.Engine.Yaml;
using ValueType = Pipelines.Engine.Catalog.ValueType;

namespace Pipelines.Engine.Documentation;

/// <summary>
/// The smallest valid use of a step type: its required inputs, each with the documented example when that is
/// a value of the right shape, otherwise a placeholder of the right type.
/// </summary>
internal static partial class StepExample
{
    private static readonly SourceLocation Nowhere = new("", 0, 0);

    [GeneratedRegex("[^A-Za-z0-9_-]")]
    private static partial Regex NotIdentifier();

    public static string Yaml(StepDescriptor descriptor)
    {
        var entries = new List<KeyValuePair<YamlScalar, YamlNode>>
        {
            new(Plain("id"), Plain(StepId(descriptor.TypeName))),
            new(Plain("uses"), Plain(descriptor.TypeName)),
        };
        var inputs = descriptor.Inputs.Where(i => i.IsRequired)
            .Select(i => new KeyValuePair<YamlScalar, YamlNode>(Plain(i.Name), ExampleValue(i)))
            .ToList();
        if (inputs.Count > 0) entries.Add(new(Plain("with"), new YamlMapping(Nowhere, inputs, false)));
        var step = new YamlMapping(Nowhere, entries, false);
        return CanonicalYamlWriter.WriteStepList(new YamlSequence(Nowhere, [step], false));
    }

    private static string StepId(string typeName)
    {
        var id = NotIdentifier().Replace(typeName[(typeName.LastIndexOf('/') + 1)..], "_");
        return id.Length > 0 && char.IsAsciiLetter(id[0]) ? id : "step_" + id;
    }

    private static YamlNode ExampleValue(PropertyDescriptor input)
    {
        if (input.Example is { } example && TryParse(example) is { } parsed && Fits(parsed, input.Type)) return parsed;
        return Placeholder(input.Type);
    }

    private static YamlNode? TryParse(string example)
    {
        try
        {
            return YamlFileLoader.LoadText("example", "value: " + example) is YamlMapping { Entries: [var (_, value)] } ? value : null;
        }
        catch (PipelineValidationException)
        {
            return null;
        }
    }

    private static bool Fits(YamlNode node, ValueType type) => type.Kind switch
    {
        ValueKind.List => node is YamlSequence,
        ValueKind.Map or ValueKind.Object => node is YamlMapping,
        _ => node is YamlScalar,
    };

    private static YamlNode Placeholder(ValueType type) => type.Kind switch
    {
        ValueKind.String => Plain("text"),
        ValueKind.Integer => Plain("1"),
        ValueKind.Number => Plain("1.0"),
        ValueKind.Boolean => Plain("true"),
        ValueKind.Duration => Plain("30s"),
        ValueKind.Enum => Plain(type.EnumNames[0]),
        ValueKind.Artifact => Plain("${{ steps.upstream.outputs.table }}"),
        ValueKind.Path => Plain("data/input.csv"),
        ValueKind.List => new YamlSequence(Nowhere, [Placeholder(type.Element!)], false),
        ValueKind.Map => new YamlMapping(Nowhere, [new(Plain("name"), Placeholder(type.Element!))], false),
        ValueKind.Object => new YamlMapping(Nowhere, type.Properties.Where(p => p.IsRequired)
            .Select(p => new KeyValuePair<YamlScalar, YamlNode>(Plain(p.Name), Placeholder(p.Type))).ToList(), false),
        _ => throw new InvalidOperationException($"no placeholder for values of kind {type.Kind}"),
    };

    private static YamlScalar Plain(string text) => new(Nowhere, text, isQuoted: false);
}
