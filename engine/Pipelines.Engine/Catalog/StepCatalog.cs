using System.Reflection;
using Pipelines.Abstractions;
using Pipelines.Engine.Diagnostics;

namespace Pipelines.Engine.Catalog;

/// <summary>The step types a pipeline may use, by type name. The engine learns them from assemblies, never by name.</summary>
public sealed class StepCatalog
{
    private readonly SortedDictionary<string, StepDescriptor> _byName = new(StringComparer.Ordinal);

    public IEnumerable<StepDescriptor> All => _byName.Values;

    public StepCatalog Add(Type stepClass)
    {
        var descriptor = StepDescriptor.FromType(stepClass);
        if (!_byName.TryAdd(descriptor.TypeName, descriptor))
            throw new InvalidOperationException($"step type '{descriptor.TypeName}' is declared twice");
        return this;
    }

    /// <summary>Adds every concrete class with a <see cref="StepAttribute"/> in the assembly.</summary>
    public StepCatalog AddAssembly(Assembly assembly)
    {
        foreach (var type in assembly.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false } && t.GetCustomAttribute<StepAttribute>() is not null))
            Add(type);
        return this;
    }

    public StepDescriptor? Find(string typeName) => _byName.GetValueOrDefault(typeName);

    /// <summary>Names close to a misspelt one, to suggest in an error.</summary>
    public IEnumerable<string> Suggest(string typeName) =>
        _byName.Keys.Where(k => EditDistance.Between(k, typeName) <= Math.Max(2, typeName.Length / 4)).OrderBy(k => EditDistance.Between(k, typeName)).Take(3);
}
