namespace Pipelines.Engine.Expressions;

/// <summary>An expression that parsed but cannot be evaluated (unknown reference, operands of the wrong type).</summary>
public sealed class ExpressionEvaluationException(int offset, string message) : Exception(message)
{
    public int Offset { get; } = offset;
}
