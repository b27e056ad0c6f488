using System.Collections;
using System.Globalization;
using Pipelines.Abstractions;
using Pipelines.Engine.Catalog;
using Pipelines.Engine.Diagnostics;
using Pipelines.Engine.Formatting;
using Pipelines.Engine.Model;
using Pipelines.Engine.Yaml;
using ValueType = Pipelines.Engine.Catalog.ValueType;

namespace Pipelines.Engine.Documentation;

/// <summary>A default value written the way a pipeline file would write it: <c>30s</c>, <c>long_only</c>, <c>'5'</c>.</summary>
internal static class ValueText
{
    private static readonly SourceLocation Nowhere = new("", 0, 0);

    public static string Format(object? value, ValueType type) => value switch
    {
        null => "null",
        string s => YamlScalarText.Inline(new YamlScalar(Nowhere, s, isQuoted: true), inFlow: true),
        bool b => b ? "true" : "false",
        int or long => Convert.ToString(value, CultureInfo.InvariantCulture)!,
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        TimeSpan t => DurationText.Format(t),
        Enum e => NameConvention.ToSnakeCase(e.ToString()),
        WorkspacePath p => Format(p.Relative, type),
        IDictionary map => map.Count == 0 ? "{}" : "{ " + string.Join(", ", map.Keys.Cast<object>().OrderBy(k => (string)k, StringComparer.Ordinal)
            .Select(k => Format(k, type) + ": " + Format(map[k], type.Element!))) + " }",
        IEnumerable list => "[" + string.Join(", ", list.Cast<object?>().Select(v => Format(v, type.Element!))) + "]",
        _ when type.Kind == ValueKind.Object => "{ " + string.Join(", ", type.Properties
            .Where(p => p.Property.GetValue(value) is not null)
            .Select(p => p.Name + ": " + Format(p.Property.GetValue(value), p.Type))) + " }",
        _ => throw new InvalidOperationException($"cannot write a value of type {value.GetType().Name}"),
    };
}
