namespace Pipelines.Engine.Diagnostics;

/// <summary>Thrown when a pipeline or settings file is rejected before anything runs.</summary>
public sealed class PipelineValidationException(IReadOnlyList<Diagnostic> diagnostics)
    : Exception(string.Join(Environment.NewLine, diagnostics))
{
    public IReadOnlyList<Diagnostic> Diagnostics { get; } = diagnostics;

    public PipelineValidationException(Diagnostic diagnostic) : this([diagnostic]) { }
}
