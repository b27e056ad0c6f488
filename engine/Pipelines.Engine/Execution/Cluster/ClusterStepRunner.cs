using System.Collections.Concurrent;
using System.Text.Json;
using Pipelines.Engine.Binding;
using Pipelines.Engine.Catalog;
using Pipelines.Engine.Parsing;
using Pipelines.Engine.Planning;
using Pipelines.Engine.Storage;
using Pipelines.Engine.Triggers;
using Serilog;

namespace Pipelines.Engine.Execution.Cluster;

/// <summary>What one delivery of a cluster step did.</summary>
/// <param name="Ran">The step ran here (false: it had completed already, or the run is gone).</param>
/// <param name="Delivery">Which delivery of the step this was (1 the first; more after a node died mid-step).</param>
/// <param name="Landed">This delivery's results are the step's (false: another delivery's are).</param>
/// <param name="Pending">
/// Steps for the caller to hand to the scheduler: those this delivery's commit queued; or, when that is unknown (a
/// redelivery of a completed step, a commit whose acknowledgement was lost), every queued step of the run that no node
/// has taken yet. Handing a step over twice is harmless.
/// </param>
/// <param name="EndedRun">How the run ended, when this delivery's commit decided it.</param>
public sealed record ClusterStepOutcome(bool Ran, int Delivery, bool Landed, IReadOnlyList<QueuedStep> Pending, RunStatus? EndedRun);

/// <summary>
/// Runs one delivery of one step of a cluster run, on whichever node the scheduler gave it to. The node knows nothing of
/// the run but its id: it reads the run's pipeline text and parameters from the store and compiles them (once per run and
/// process), takes the step's dependencies' outputs from their records, and runs the step as a run in one process would
/// (condition, cache, binding, timeout, retries). Its records go through <see cref="ClusterStepRecorder"/>: a delivery
/// that finds the step completed runs nothing, and of two deliveries that both run it only the first to finish lands.
/// </summary>
public sealed class ClusterStepRunner(PipelineStore store, StepCatalog catalog, string workspaceRoot, RunOptions defaults, Func<string, TriggerContext> triggerOf,
    ILogger log)
{
    private const int CompiledRunsKept = 64;
    private readonly ConcurrentDictionary<string, CompiledPipeline> _compiled = new(StringComparer.Ordinal);

    public async Task<ClusterStepOutcome> RunAsync(string runId, string stepId, string node, CancellationToken cancellationToken)
    {
        var run = store.FindRun(runId);
        if (run is null || run.RunId != runId) return new ClusterStepOutcome(false, 0, false, [], null);
        var pipeline = Compile(run);
        var step = pipeline.Steps.FirstOrDefault(s => s.Id == stepId);
        if (step is null) return new ClusterStepOutcome(false, 0, false, [], null);
        var trigger = triggerOf(runId);

        var delivery = store.InTransaction(connection =>
        {
            StepDispatch.LockRun(connection, runId);
            return StepDispatch.Deliver(connection, runId, stepId, node);
        });
        if (delivery is null)
        {
            // Completed already: this is a redelivery after its node died between the commit and handing on the dependents.
            log.Information("Step {Step} of run {RunId} completed before this delivery; handing on what its run has queued", stepId, runId);
            return new ClusterStepOutcome(false, 0, false, Pending(runId), null);
        }

        var recorder = new ClusterStepRecorder(store, pipeline, runId, stepId, node, delivery.Value, trigger);
        if (run.Status != RunStatus.Running)
        {
            recorder.Ended(new StepRunRecord(runId, stepId, step.Descriptor.TypeName, step.Descriptor.Version, StepStatus.Cancelled, null, null, 0,
                DateTime.UtcNow, DateTime.UtcNow, 0, null, null, $"run {StatusText.Of(run.Status)} before the step started"));
            return new ClusterStepOutcome(false, delivery.Value, recorder.Landed, recorder.Queued ?? Pending(runId), recorder.EndedRun);
        }

        var states = new ConcurrentDictionary<string, StepStatus>();
        var outputs = new ConcurrentDictionary<string, object>();
        var recorded = store.StepRuns(runId).ToDictionary(s => s.StepId, StringComparer.Ordinal);
        foreach (var dependency in step.DependsOn)
        {
            if (!recorded.TryGetValue(dependency, out var done)) continue;
            states[dependency] = done.Status;
            if (done.Status is StepStatus.Succeeded or StepStatus.Cached && done.OutputsJson is not null
                && RecordedOutputs.TryRead(done.OutputsJson, pipeline.Step(dependency).Descriptor.OutputType) is { } value)
                outputs[dependency] = value;
        }

        var redactor = new SecretRedactor();
        var runLog = log.ForContext(redactor).ForContext("RunId", runId).ForContext("Pipeline", pipeline.Definition.Name).ForContext("Node", node);
        var options = defaults with
        {
            RunId = runId,
            Trigger = trigger,
            ParameterOverrides = JsonSerializer.Deserialize<Dictionary<string, string>>(run.ParamsJson) ?? [],
            Force = defaults.Force || run.Forced,
            Observer = null,
        };
        var resolver = new RunResolver(pipeline.Definition, catalog, pipeline.Parameters, options.Environment, pipeline.WorkspaceRoot,
            id => outputs.GetValueOrDefault(id), redactor, trigger);
        var execution = new StepExecution(store, recorder, pipeline.Definition.Name, runId, run.GitCommit, pipeline.WorkspaceRoot,
            new ValueBinder(resolver, pipeline.Definition.Templates), resolver, redactor, options, runLog);
        if (delivery > 1) runLog.Warning("Step {Step} of run {RunId} delivered again (delivery {Delivery}): the node that had it stopped", stepId, runId, delivery);
        await execution.RunStepAsync(step, states, outputs, cancellationToken).ConfigureAwait(false);
        if (!recorder.Landed)
            runLog.Warning("Step {Step} of run {RunId} was completed by another delivery first; this delivery's results are dropped", stepId, runId);
        if (recorder.EndedRun is { } ended)
        {
            runLog.Information("Run {RunId} {Status}", runId, StatusText.Of(ended));
            _compiled.TryRemove(runId, out _);
            if (ended != RunStatus.Cancelled) store.Artifacts.ClearStaging(runId);
        }
        return new ClusterStepOutcome(true, delivery.Value, recorder.Landed, recorder.Queued ?? Pending(runId), recorder.EndedRun);
    }

    private IReadOnlyList<QueuedStep> Pending(string runId) =>
        ClusterRuns.Dispatch(store, runId).Where(r => !r.IsCompleted && r.Deliveries == 0).Select(r => new QueuedStep(r.StepId, r.RunsOn)).ToList();

    /// <summary>The run's pipeline as it was when the run started: its recorded text and parameters, not the file today.</summary>
    private CompiledPipeline Compile(RunRecord run)
    {
        if (_compiled.TryGetValue(run.RunId, out var compiled)) return compiled;
        var overrides = JsonSerializer.Deserialize<Dictionary<string, string>>(run.ParamsJson) ?? [];
        var definition = PipelineParser.ParseText(Path.Combine(workspaceRoot, run.PipelineFile), run.PipelineText);
        compiled = PipelineCompiler.Compile(definition, catalog, workspaceRoot, overrides, defaults.Environment);
        if (_compiled.Count >= CompiledRunsKept) _compiled.Clear();
        return _compiled[run.RunId] = compiled;
    }
}
