using System.Collections;
using Pipelines.Abstractions;
using Pipelines.Engine.Catalog;
using ValueType = Pipelines.Engine.Catalog.ValueType;

namespace Pipelines.Engine.Execution;

/// <summary>Finds the artifacts inside a bound input or output record, by its declared shape, for lineage.</summary>
internal static class ArtifactCollector
{
    public static List<(string Name, Artifact Artifact)> Collect(object record, Type recordType)
    {
        var found = new List<(string, Artifact)>();
        Walk(record, ValueType.Of(recordType), "", found);
        return found;
    }

    private static void Walk(object? value, ValueType type, string name, List<(string, Artifact)> found)
    {
        switch (value)
        {
            case null:
                return;
            case Artifact artifact:
                found.Add((name, artifact));
                return;
            case WorkspacePath path:
                found.Add((name, path.Source));
                return;
        }
        switch (type.Kind)
        {
            case ValueKind.Object:
                foreach (var property in type.Properties)
                    Walk(property.Property.GetValue(value), property.Type, Join(name, property.Name), found);
                break;
            case ValueKind.Map:
                foreach (DictionaryEntry entry in (IDictionary)value)
                    Walk(entry.Value, type.Element!, Join(name, (string)entry.Key), found);
                break;
            case ValueKind.List:
                var index = 0;
                foreach (var item in (IEnumerable)value)
                    Walk(item, type.Element!, $"{name}[{index++}]", found);
                break;
        }
    }

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : $"{prefix}.{name}";
}
