using Pipelines.Engine.Diagnostics;

namespace Pipelines.Engine.Expressions;

/// <summary>
/// An expression that parsed but cannot be evaluated (unknown reference, operands of the wrong type).
/// <see cref="Code"/> is the diagnostic it is reported under, so callers never read the message to classify it.
/// </summary>
public class ExpressionEvaluationException(int offset, string message, string code = DiagnosticCodes.UnknownReference) : Exception(message)
{
    public int Offset { get; } = offset;

    public string Code { get; } = code;
}
