using Pipelines.Engine.Catalog;
using ValueType = Pipelines.Engine.Catalog.ValueType;

namespace Pipelines.Engine.Expressions;

/// <summary>
/// Stands for a value only known at run time (a step output, a secret) while a pipeline is validated, so the
/// same binding code can check types before anything runs.
/// </summary>
public sealed record Placeholder(ValueType Type, string Source)
{
    public static Placeholder Boolean(string source) => new(ValueType.Of(typeof(bool)), source);
    public static Placeholder Text(string source) => new(ValueType.Of(typeof(string)), source);
    public ValueKind Kind => Type.Kind;
}
