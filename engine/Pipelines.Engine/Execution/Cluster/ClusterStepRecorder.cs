using Pipelines.Abstractions;
using Pipelines.Engine.Events;
using Pipelines.Engine.Planning;
using Pipelines.Engine.Storage;
using Pipelines.Engine.Triggers;

namespace Pipelines.Engine.Execution.Cluster;

/// <summary>
/// The records of one delivery of a cluster step: each names the node (its Quartz instance id) and the delivery
/// (<see cref="StepRunRecord.Attempt"/>), and goes through a <see cref="ClusterStepGuard"/>, so only the first delivery
/// to finish lands its results.
/// </summary>
internal sealed class ClusterStepRecorder(PipelineStore store, CompiledPipeline pipeline, string runId, string stepId, string node, int delivery,
    TriggerContext trigger) : IStepRecorder
{
    /// <summary>Whether this delivery's final record landed (false: another delivery had completed the step).</summary>
    public bool Landed { get; private set; }

    /// <summary>How the run ended when this delivery's commit decided it.</summary>
    public RunStatus? EndedRun { get; private set; }

    /// <summary>The steps this delivery's final commit queued; null when unknown (the commit's acknowledgement was lost and found stored).</summary>
    public IReadOnlyList<QueuedStep>? Queued { get; private set; }

    public void Running(StepRunRecord step) => Commit(step, [], [], null, [], [], final: false);

    public void Ended(StepRunRecord step) => Commit(step, [], [], null, [], [], final: true);

    public void Completed(StepRunRecord step, IReadOnlyList<(string Output, Artifact Artifact)> outputs, IReadOnlyList<Artifact> inputs,
        IReadOnlyCollection<Artifact>? madeHere, IReadOnlyList<ArtifactReference> references, IReadOnlyList<EventDraft> events) =>
        Commit(step, outputs, inputs, madeHere, references, events, final: true);

    private void Commit(StepRunRecord step, IReadOnlyList<(string Output, Artifact Artifact)> outputs, IReadOnlyList<Artifact> inputs,
        IReadOnlyCollection<Artifact>? madeHere, IReadOnlyList<ArtifactReference> references, IReadOnlyList<EventDraft> events, bool final)
    {
        var guard = new ClusterStepGuard(store, pipeline, runId, stepId, final, trigger) { Status = step.Status };
        var written = store.CommitGuarded(step with { Node = node, Attempt = delivery }, outputs, inputs, madeHere, references, events, guard);
        if (!final) return;
        Landed = written is not null;
        EndedRun = guard.EndedRun;
        Queued = Landed ? guard.Queued : [];
    }
}
