using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Pipelines.Abstractions;
using Pipelines.Engine.Binding;
using Pipelines.Engine.Catalog;
using Pipelines.Engine.Diagnostics;
using Pipelines.Engine.Expressions;
using Pipelines.Engine.Parsing;
using Pipelines.Engine.Planning;
using Pipelines.Engine.Storage;
using Serilog;
using ValueType = Pipelines.Engine.Catalog.ValueType;

namespace Pipelines.Engine.Execution;

/// <summary>
/// Runs a compiled pipeline: starts each step once everything it depends on has finished, up to the
/// parallelism limit; evaluates <c>if:</c>; reuses cached results; applies per-step timeouts and retries with
/// backoff; records every step and artifact in the store as it completes, so a run killed at any moment can
/// be resumed without redoing finished work.
/// </summary>
public sealed class PipelineRunner(PipelineStore store, StepCatalog catalog, ILogger log)
{
    public async Task<RunResult> RunAsync(CompiledPipeline pipeline, RunOptions options, CancellationToken cancellationToken)
    {
        var definition = pipeline.Definition;
        var git = GitInfo.For(definition.File);
        var runId = options.RunId ?? NewRunId();
        store.InsertRun(new RunRecord(
            runId, definition.Name, Path.GetRelativePath(pipeline.WorkspaceRoot, Path.GetFullPath(definition.File)),
            Sha256(definition.SourceText), definition.SourceText,
            JsonSerializer.Serialize(options.ParameterOverrides), git.Commit, git.Dirty, RunStatus.Running, DateTime.UtcNow, null,
            Environment.MachineName, Environment.ProcessId, options.Force, 0, null),
            RunEvents.Start(definition.Name, runId, options.Trigger, resumed: false));
        return await ExecuteAsync(runId, git.Commit, pipeline, options, new Dictionary<string, (StepStatus, object)>(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Continues a failed, cancelled or killed run with the exact pipeline text and parameters it started with.
    /// Steps that completed keep their results; everything else runs.
    /// </summary>
    public async Task<RunResult> ResumeAsync(string runId, string workspaceRoot, RunOptions options, CancellationToken cancellationToken)
    {
        var run = store.FindRun(runId) ?? throw new ArgumentException($"no run '{runId}' in the store");
        if (run.Status == RunStatus.Succeeded)
            throw new InvalidOperationException($"run {run.RunId} already succeeded; nothing to resume");
        var overrides = JsonSerializer.Deserialize<Dictionary<string, string>>(run.ParamsJson) ?? [];
        var definition = PipelineParser.ParseText(Path.Combine(workspaceRoot, run.PipelineFile), run.PipelineText);
        var pipeline = PipelineCompiler.Compile(definition, catalog, workspaceRoot, overrides, options.Environment);

        var restored = new Dictionary<string, (StepStatus, object)>();
        foreach (var step in store.StepRuns(run.RunId))
        {
            if (step.Status is not (StepStatus.Succeeded or StepStatus.Cached) || step.OutputsJson is null) continue;
            var planned = pipeline.Steps.FirstOrDefault(s => s.Id == step.StepId);
            // Unreadable outputs leave the step to be redone, like a step that never finished.
            if (planned is null || RecordedOutputs.TryRead(step.OutputsJson, planned.Descriptor.OutputType) is not { } outputs) continue;
            restored[step.StepId] = (step.Status, outputs);
        }
        store.Artifacts.ClearStaging(run.RunId);
        store.ReopenRun(run.RunId, RunEvents.Start(run.Pipeline, run.RunId, options.Trigger, resumed: true));
        log.Information("Resuming run {RunId} of {Pipeline}: {Completed} of {Total} steps already complete",
            run.RunId, run.Pipeline, restored.Count, pipeline.Steps.Count);
        return await ExecuteAsync(run.RunId, run.GitCommit, pipeline, options with { Force = options.Force || run.Forced }, restored, cancellationToken).ConfigureAwait(false);
    }

    private async Task<RunResult> ExecuteAsync(
        string runId,
        string? gitCommit,
        CompiledPipeline pipeline,
        RunOptions options,
        IReadOnlyDictionary<string, (StepStatus Status, object Outputs)> restored,
        CancellationToken cancellationToken)
    {
        var redactor = new SecretRedactor();
        var runLog = log.ForContext(redactor).ForContext("RunId", runId).ForContext("Pipeline", pipeline.Definition.Name);
        var states = new ConcurrentDictionary<string, StepStatus>();
        var outputs = new ConcurrentDictionary<string, object>();
        foreach (var (id, (status, value)) in restored)
        {
            states[id] = status;
            outputs[id] = value;
        }
        var resolver = new RunResolver(pipeline.Definition, catalog, pipeline.Parameters, options.Environment, pipeline.WorkspaceRoot,
            id => outputs.GetValueOrDefault(id), redactor, options.Trigger);
        var execution = new StepExecution(store, new StoreStepRecorder(store), pipeline.Definition.Name, runId, gitCommit, pipeline.WorkspaceRoot,
            new ValueBinder(resolver, pipeline.Definition.Templates), resolver, redactor, options, runLog);

        options.Observer?.RunStarted(runId, pipeline);
        foreach (var (id, (status, _)) in restored)
            options.Observer?.StepFinished(id, status, TimeSpan.Zero, "completed before resume");
        runLog.Information("Run {RunId} of {Pipeline} started with {Steps} steps", runId, pipeline.Definition.Name, pipeline.Steps.Count);

        // Each step waits on a count of unfinished dependencies; finishing a step releases its dependents, so
        // scheduling costs O(edges) for the whole run rather than a scan of every pending step per completion.
        var waitingOn = new Dictionary<string, int>();
        var dependents = pipeline.Steps.ToDictionary(s => s.Id, _ => new List<PlannedStep>());
        foreach (var step in pipeline.Steps.Where(s => !states.ContainsKey(s.Id)))
        {
            waitingOn[step.Id] = step.DependsOn.Count(d => !states.ContainsKey(d));
            foreach (var dependency in step.DependsOn) dependents[dependency].Add(step);
        }
        var ready = new List<PlannedStep>(pipeline.Steps.Where(s => waitingOn.TryGetValue(s.Id, out var n) && n == 0));
        var running = new Dictionary<Task<StepStatus>, string>();
        var parallelism = Math.Max(1, options.MaxParallelism);
        while (ready.Count > 0 || running.Count > 0)
        {
            while (!cancellationToken.IsCancellationRequested && ready.Count > 0 && running.Count < parallelism)
            {
                // A finished step's record is journaled before its dependents become ready: nothing waits for a commit.
                var step = ready[0];
                ready.RemoveAt(0);
                running[Task.Run(() => execution.RunStepAsync(step, states, outputs, cancellationToken), CancellationToken.None)] = step.Id;
            }
            if (running.Count == 0) break;
            var finished = await Task.WhenAny(running.Keys).ConfigureAwait(false);
            var finishedId = running[finished];
            states[finishedId] = await finished.ConfigureAwait(false);
            running.Remove(finished);
            foreach (var dependent in dependents[finishedId])
                if (--waitingOn[dependent.Id] == 0) ready.Add(dependent);
        }

        var failedStep = pipeline.Steps.FirstOrDefault(s => states.GetValueOrDefault(s.Id) == StepStatus.Failed && !s.Definition.ContinueOnError);
        var runStatus = cancellationToken.IsCancellationRequested ? RunStatus.Cancelled
            : failedStep is not null ? RunStatus.Failed
            : RunStatus.Succeeded;
        var error = runStatus switch
        {
            RunStatus.Cancelled => "cancelled",
            RunStatus.Failed => $"step '{failedStep!.Id}' failed",
            _ => null,
        };
        store.FinishRun(runId, runStatus, error,
            RunEvents.Finish(pipeline.Definition.Name, runId, options.Trigger, runStatus, error, FailedSteps(runId, pipeline, runStatus)));
        if (runStatus != RunStatus.Cancelled) store.Artifacts.ClearStaging(runId);
        runLog.Information("Run {RunId} {Status}", runId, StatusText.Of(runStatus));
        options.Observer?.RunFinished(runId, runStatus);
        return new RunResult(runId, runStatus, pipeline.Steps.ToDictionary(s => s.Id, s => states.GetValueOrDefault(s.Id, StepStatus.Pending)), error);
    }

    /// <summary>The steps that failed the run, with the errors they recorded (already redacted).</summary>
    private IReadOnlyList<(string Step, string? Error)> FailedSteps(string runId, CompiledPipeline pipeline, RunStatus status)
    {
        if (status != RunStatus.Failed) return [];
        var failing = pipeline.Steps.Where(s => !s.Definition.ContinueOnError).Select(s => s.Id).ToHashSet();
        return store.StepRuns(runId).Where(s => s.Status == StepStatus.Failed && failing.Contains(s.StepId)).Select(s => (s.StepId, s.Message)).ToList();
    }

    public static string NewRunId() =>
        $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}";

    public static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
