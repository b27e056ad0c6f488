namespace Pipelines.Engine.Diagnostics;

/// <summary>
/// One problem found in a pipeline or settings file, with where it is and the offending text, so a reviewer
/// can jump to it and CI can annotate the line.
/// </summary>
public sealed record Diagnostic(SourceLocation Location, string Code, string Message, string? Offending = null)
{
    public override string ToString() =>
        Offending is null ? $"{Location}: error {Code}: {Message}" : $"{Location}: error {Code}: {Message} (at '{Offending}')";
}
