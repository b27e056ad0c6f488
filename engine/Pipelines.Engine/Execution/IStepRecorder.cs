using Pipelines.Abstractions;
using Pipelines.Engine.Events;
using Pipelines.Engine.Storage;

namespace Pipelines.Engine.Execution;

/// <summary>
/// Where a step's records go. A run in one process writes them straight to the store (<see cref="StoreStepRecorder"/>);
/// a step of a cluster run may be delivered twice (a node died mid-step and another took it over), so its recorder lets
/// only the first attempt to finish land its results.
/// </summary>
internal interface IStepRecorder
{
    /// <summary>The step has started: its inputs are bound and its cache key is known.</summary>
    void Running(StepRunRecord step);

    /// <summary>The step ended without results: skipped, failed or cancelled.</summary>
    void Ended(StepRunRecord step);

    /// <summary>
    /// The step succeeded or reused a cached result: its record with its artifacts, lineage, the references it declared
    /// and its events, in one commit.
    /// </summary>
    void Completed(StepRunRecord step, IReadOnlyList<(string Output, Artifact Artifact)> outputs, IReadOnlyList<Artifact> inputs,
        IReadOnlyCollection<Artifact>? madeHere, IReadOnlyList<ArtifactReference> references, IReadOnlyList<EventDraft> events);
}

/// <summary>A run in one process: every record goes to the store as it is.</summary>
internal sealed class StoreStepRecorder(PipelineStore store) : IStepRecorder
{
    public void Running(StepRunRecord step) => store.UpsertStepRun(step);

    public void Ended(StepRunRecord step) => store.UpsertStepRun(step);

    public void Completed(StepRunRecord step, IReadOnlyList<(string Output, Artifact Artifact)> outputs, IReadOnlyList<Artifact> inputs,
        IReadOnlyCollection<Artifact>? madeHere, IReadOnlyList<ArtifactReference> references, IReadOnlyList<EventDraft> events) =>
        store.CompleteStepRun(step, outputs, inputs, madeHere, events, references);
}
