using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Pipelines.Abstractions;
using Pipelines.Engine.Binding;
using Pipelines.Engine.Diagnostics;
using Pipelines.Engine.Expressions;
using Pipelines.Engine.Planning;
using Pipelines.Engine.Storage;
using Serilog;
using ValueType = Pipelines.Engine.Catalog.ValueType;

namespace Pipelines.Engine.Execution;

/// <summary>The per-step part of a run: skip rules, condition, binding, cache, attempts.</summary>
internal sealed class StepExecution(
    PipelineStore store,
    IStepRecorder recorder,
    string pipelineName,
    string runId,
    string? gitCommit,
    string workspaceRoot,
    ValueBinder binder,
    IReferenceResolver resolver,
    SecretRedactor redactor,
    RunOptions options,
    ILogger runLog)
{
    public async Task<StepStatus> RunStepAsync(
        PlannedStep step, ConcurrentDictionary<string, StepStatus> states, ConcurrentDictionary<string, object> outputs, CancellationToken cancellationToken)
    {
        var started = DateTime.UtcNow;
        var clock = Stopwatch.StartNew();
        var stepLog = runLog.ForContext("Step", step.Id).ForContext("StepType", step.Descriptor.TypeName);

        StepStatus Finish(StepStatus status, string? message, int attempts = 0, string? cacheKey = null, string? inputsJson = null)
        {
            message = redactor.RedactNullable(message);
            recorder.Ended(Record(step, status, started, clock.Elapsed, attempts, cacheKey, inputsJson, null, null, message));
            Report(stepLog, step.Id, status, clock.Elapsed, message);
            return status;
        }

        var blocker = step.DependsOn.FirstOrDefault(d => states[d] is not (StepStatus.Succeeded or StepStatus.Cached));
        if (blocker is not null)
            return Finish(StepStatus.Skipped, $"'{blocker}' {StatusText.Of(states[blocker])}");

        if (step.Definition.If is { } condition)
        {
            object? value;
            try { value = ExpressionEvaluator.Evaluate(condition, resolver.Resolve); }
            catch (ExpressionEvaluationException e) { return Finish(StepStatus.Failed, $"if: {e.Message}"); }
            if (value is not bool run) return Finish(StepStatus.Failed, $"if: gives {ExpressionEvaluator.Describe(value)}, not true or false");
            if (!run) return Finish(StepStatus.Skipped, $"condition is false: {condition.Text}");
        }

        var diagnostics = new List<Diagnostic>();
        object inputs;
        try
        {
            inputs = binder.BindObject(step.Definition.With, ValueType.Of(step.Descriptor.InputType), step.Definition.Node.Location, diagnostics);
        }
        catch (Exception e) when (e is BindingException or IOException)
        {
            return Finish(StepStatus.Failed, e.Message);
        }
        if (diagnostics.Count > 0) return Finish(StepStatus.Failed, string.Join("; ", diagnostics));

        var inputsJson = CacheKey.InputsJson(inputs, step.Descriptor.InputType, redactor);
        var cacheKey = CacheKey.Compute(step.Descriptor, inputsJson);
        var inputArtifacts = ArtifactCollector.Collect(inputs, step.Descriptor.InputType).Select(a => a.Artifact).ToList();

        // Inputs that read the store's changing state (shadow records) can give a different result from the same key.
        var cacheable = step.Descriptor.Cacheable && inputs is not IStoreDependentInputs { DependsOnStore: true };
        if (!options.Force && cacheable && store.FindCached(cacheKey) is { } hit
            && RecordedOutputs.TryRead(hit.OutputsJson, step.Descriptor.OutputType) is { } restored)
        {
            var record = Record(step, StepStatus.Cached, started, clock.Elapsed, 0, cacheKey, inputsJson, hit.OutputsJson, hit.CachedFromRun ?? hit.RunId,
                $"reused the result of run {hit.CachedFromRun ?? hit.RunId}");
            recorder.Completed(record, store.OutputArtifacts(hit.RunId, hit.StepId), inputArtifacts, null, [], []);
            outputs[step.Id] = restored;
            Report(stepLog, step.Id, StepStatus.Cached, clock.Elapsed, record.Message);
            return StepStatus.Cached;
        }

        recorder.Running(Record(step, StepStatus.Running, started, TimeSpan.Zero, 0, cacheKey, inputsJson, null, null, null));
        var retry = step.Definition.Retry ?? Model.RetryPolicy.None;
        var timeout = step.Definition.Timeout ?? (step.Descriptor.LongRunning ? Timeout.InfiniteTimeSpan : options.DefaultStepTimeout);
        for (var attempt = 1; ; attempt++)
        {
            var registry = new ModelRegistry(store, RegistryActor.Step(runId, step.Id, gitCommit, pipelineName), options.RegistryMaxVersions);
            // The attempt's events wait for its outcome: committed with its results, or dropped with its failure.
            var events = new AttemptEventLog(pipelineName, runId, step.Id);
            var context = new StepContext(runId, step.Id, workspaceRoot, options.StepSettings, store.Artifacts, registry, new StoreDriftLog(store, runId, step.Id),
                new StoreShadowLog(store, runId, step.Id), new StoreDecisionLog(store, runId, step.Id, stepLog), events,
                new StoreEventArchive(store, runId, step.Id),
                new StoreShadowHistory(store),
                store.FindArtifact, stepLog.ForContext("Attempt", attempt), options.Observer);
            using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            try
            {
                await Task.Delay(retry.DelayBeforeAttempt(attempt), cancellationToken).ConfigureAwait(false);
                options.Observer?.StepStarted(step.Id, attempt);
                stepLog.Information("Step {Step} ({StepType}) attempt {Attempt} started", step.Id, step.Descriptor.TypeName, attempt);
                timeoutSource.CancelAfter(timeout);
                var instance = step.Descriptor.CreateInstance();
                // WaitAsync frees the run even from a step that ignores its token; its context is closed below.
                var result = await instance.ExecuteAsync(inputs, context, timeoutSource.Token).WaitAsync(timeoutSource.Token).ConfigureAwait(false);
                context.Close();
                var published = events.Close();
                var produced = ArtifactCollector.Collect(result, step.Descriptor.OutputType);
                // An output artifact is one the step committed, one of its inputs, or one already in the store.
                var foreign = produced.FirstOrDefault(p =>
                    !context.Committed.Contains(p.Artifact) && !inputArtifacts.Contains(p.Artifact) && !store.IsKnownArtifact(p.Artifact.Sha256));
                if (foreign.Artifact is not null)
                    throw new InvalidOperationException($"output '{foreign.Name}' is an artifact the step never committed");
                // What needs another file must be found by its hash later, which only an output's row allows.
                var references = context.References;
                if (references.FirstOrDefault(r => !produced.Any(p => p.Artifact == r.Artifact)) is { } unreturned)
                    throw new InvalidOperationException($"the step declared that artifact {unreturned.Artifact.Sha256[..12]} needs another, but returned it as none of its outputs");
                var outputsJson = redactor.Redact(JsonSerializer.Serialize(result, step.Descriptor.OutputType, CacheKey.Json));
                var record = Record(step, StepStatus.Succeeded, started, clock.Elapsed, attempt, cacheKey, inputsJson, outputsJson, null, null);
                recorder.Completed(record, produced, [.. inputArtifacts, .. context.Read.Where(read => store.IsKnownArtifact(read.Sha256))], context.Committed, references, published);
                outputs[step.Id] = result;
                Report(stepLog, step.Id, StepStatus.Succeeded, clock.Elapsed, null);
                return StepStatus.Succeeded;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                context.Close();
                events.Close();
                store.Artifacts.ClearStaging(runId, step.Id);
                return Finish(StepStatus.Cancelled, "cancelled", attempt, cacheKey, inputsJson);
            }
            catch (Exception e)
            {
                context.Close();
                events.Close();
                store.Artifacts.ClearStaging(runId, step.Id);
                var message = timeoutSource.IsCancellationRequested
                    ? $"timed out after {Model.DurationText.Format(timeout)}"
                    : Describe(e, step);
                if (attempt >= retry.MaxAttempts)
                    return Finish(StepStatus.Failed, retry.MaxAttempts > 1 ? $"{message} (after {attempt} attempts)" : message, attempt, cacheKey, inputsJson);
                stepLog.Warning("Step {Step} attempt {Attempt} failed: {Error}; retrying in {Delay}",
                    step.Id, attempt, redactor.Redact(message), Model.DurationText.Format(retry.DelayBeforeAttempt(attempt + 1)));
            }
        }
    }

    /// <summary>A failure in the step's words; one about an input also says where the pipeline file sets it.</summary>
    private static string Describe(Exception e, PlannedStep step) => e switch
    {
        StepInputException input =>
            $"{InputLocation.Find(step.Definition.With, input.Input, step.Definition.Node.Location)}: input '{input.Input}': {input.Message}",
        _ => e.Message,
    };

    private void Report(ILogger stepLog, string stepId, StepStatus status, TimeSpan duration, string? message)
    {
        if (status == StepStatus.Failed)
            stepLog.Error("Step {Step} failed after {DurationMs:0} ms: {Error}", stepId, duration.TotalMilliseconds, message);
        else
            stepLog.Information("Step {Step} {Status} in {DurationMs:0} ms {Message}", stepId, StatusText.Of(status), duration.TotalMilliseconds, message ?? "");
        options.Observer?.StepFinished(stepId, status, duration, message);
    }

    private StepRunRecord Record(PlannedStep step, StepStatus status, DateTime started, TimeSpan elapsed, int attempts,
        string? cacheKey, string? inputsJson, string? outputsJson, string? cachedFrom, string? message) =>
        new(runId, step.Id, step.Descriptor.TypeName, step.Descriptor.Version, status, cacheKey, cachedFrom, attempts, started,
            status == StepStatus.Running ? null : DateTime.UtcNow, status == StepStatus.Running ? null : elapsed.TotalMilliseconds,
            inputsJson, outputsJson, message);
}
