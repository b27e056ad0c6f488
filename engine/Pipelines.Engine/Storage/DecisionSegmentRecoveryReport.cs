namespace Pipelines.Engine.Storage;

/// <summary>What one recovery pass did, file by file (full paths).</summary>
public sealed class DecisionSegmentRecoveryReport
{
    /// <summary>Segments closed and registered, with the figures read from their files.</summary>
    public List<DecisionSegment> Recovered { get; } = [];

    /// <summary>Temporary files without a decision in them, deleted.</summary>
    public List<string> Deleted { get; } = [];

    /// <summary>Files left in place and unregistered, with the reason (DuckDB's error when it could not open them).</summary>
    public List<(string Path, string Problem)> Kept { get; } = [];

    /// <summary>Segments still open, in this process or another, left alone.</summary>
    public List<string> Live { get; } = [];

    /// <summary>One line per file registered, deleted or kept, for a report such as retention's.</summary>
    public IEnumerable<string> Lines() =>
        Recovered.Select(s => $"register decision segment {s.StorePath} a stopped stream left: {s.Rows} decision(s)")
            .Concat(Deleted.Select(p => $"delete decision segment {p} a stopped stream left without decisions"))
            .Concat(Kept.Select(k => $"keep decision segment {k.Path} unregistered: {k.Problem}"));
}
