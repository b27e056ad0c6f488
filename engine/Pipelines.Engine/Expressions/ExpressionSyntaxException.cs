namespace Pipelines.Engine.Expressions;

/// <summary>An expression that does not parse; <see cref="Offset"/> is relative to the enclosing text.</summary>
public sealed class ExpressionSyntaxException(int offset, string message) : Exception(message)
{
    public int Offset { get; } = offset;
}
