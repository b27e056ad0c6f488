namespace Pipelines.Engine.Expressions;

/// <summary>
/// The deliberately small expression language inside <c>${{ }}</c>: references, literals, comparison and
/// boolean operators. No function calls and no general-purpose code, so a reviewer can read every value.
/// </summary>
public abstract record Expression(int Offset);

/// <summary>A dotted path such as <c>steps.train.outputs.model</c>.</summary>
public sealed record ReferenceExpression(int Offset, IReadOnlyList<string> Path) : Expression(Offset)
{
    public string Root => Path[0];
    public override string ToString() => string.Join('.', Path);
}

public sealed record LiteralExpression(int Offset, object? Value) : Expression(Offset);

public sealed record NotExpression(int Offset, Expression Operand) : Expression(Offset);

public sealed record BinaryExpression(int Offset, string Operator, Expression Left, Expression Right) : Expression(Offset);
