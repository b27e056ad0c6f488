using System.Collections;
using Pipelines.Abstractions;
using Pipelines.Engine.Catalog;
using Pipelines.Engine.Model;

namespace Pipelines.Engine.Binding;

/// <summary>
/// Normalises CLR values (a step's output properties) into the few shapes expressions work with:
/// null, bool, long, double, string, <see cref="Artifact"/>, lists and string-keyed maps.
/// </summary>
public static class RuntimeValue
{
    public static object? FromClr(object? value) => value switch
    {
        null => null,
        string or bool or long or double or Artifact => value,
        int i => (long)i,
        float f => (double)f,
        TimeSpan t => DurationText.Format(t),
        Enum e => NameConvention.ToSnakeCase(e.ToString()),
        WorkspacePath p => p.Relative,
        IDictionary dictionary => dictionary.Keys.Cast<object>().ToDictionary(k => (string)k, k => FromClr(dictionary[k])),
        IEnumerable sequence => sequence.Cast<object?>().Select(FromClr).ToList(),
        _ => value,
    };
}
