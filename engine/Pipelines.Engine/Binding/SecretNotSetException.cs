using Pipelines.Engine.Diagnostics;
using Pipelines.Engine.Expressions;

namespace Pipelines.Engine.Binding;

/// <summary>A <c>secrets.NAME</c> reference whose environment variable is not set.</summary>
public sealed class SecretNotSetException(int offset, string name)
    : ExpressionEvaluationException(offset, $"secret '{name}' is not set: export it as an environment variable", DiagnosticCodes.SecretNotSet)
{
    public string Name { get; } = name;
}
