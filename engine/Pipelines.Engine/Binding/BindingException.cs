using Pipelines.Engine.Diagnostics;

namespace Pipelines.Engine.Binding;

/// <summary>A value that cannot be bound to its declared type, with where it was written.</summary>
public sealed class BindingException(SourceLocation location, string code, string message, string? offending = null) : Exception(message)
{
    public Diagnostic Diagnostic { get; } = new(location, code, message, offending);
}
