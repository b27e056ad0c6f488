namespace Pipelines.Engine.Storage;

/// <summary>Rows waiting for the store's next group commit, by table, in column order.</summary>
internal sealed class PendingRows
{
    public List<object?[]> StepEvents { get; private set; } = [];
    public List<object?[]> Artifacts { get; private set; } = [];
    public List<object?[]> StepOutputs { get; private set; } = [];
    public List<object?[]> Lineage { get; private set; } = [];
    public List<object?[]> Events { get; private set; } = [];
    public List<object?[]> References { get; private set; } = [];

    public bool IsEmpty => StepEvents.Count == 0 && Artifacts.Count == 0 && StepOutputs.Count == 0 && Lineage.Count == 0 && Events.Count == 0 && References.Count == 0;

    /// <summary>Appends another set of rows, table by table.</summary>
    public void Add(PendingRows rows)
    {
        StepEvents.AddRange(rows.StepEvents);
        Artifacts.AddRange(rows.Artifacts);
        StepOutputs.AddRange(rows.StepOutputs);
        Lineage.AddRange(rows.Lineage);
        Events.AddRange(rows.Events);
        References.AddRange(rows.References);
    }

    /// <summary>Hands over everything queued and starts empty again.</summary>
    public PendingRows TakeAll()
    {
        var taken = new PendingRows { StepEvents = StepEvents, Artifacts = Artifacts, StepOutputs = StepOutputs, Lineage = Lineage, Events = Events, References = References };
        StepEvents = [];
        Artifacts = [];
        StepOutputs = [];
        Lineage = [];
        Events = [];
        References = [];
        return taken;
    }
}
