using Pipelines.Cli.Commands;
using Pipelines.Cli.Output;
using Pipelines.Engine.Planning;
using Pipelines.Engine.Storage;
using Pipelines.Service.Api.Runs;

namespace Pipelines.Cli.Remote;

/// <summary>
/// <c>pipelines run</c> and <c>pipelines resume</c> while a service holds the store: the service runs the pipeline,
/// and the CLI follows the run's progress through the API until it ends, closing with the same lines and exit code
/// as a local run. Ctrl+C asks the service to cancel the run and keeps following until it is recorded cancelled.
/// </summary>
public static class RemoteRun
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    public static async Task<int> SubmitAsync(CliContext context, ServiceClient service, CompiledPipeline pipeline,
        IReadOnlyDictionary<string, string> parameters, bool force)
    {
        var pipelinesDirectory = Path.GetFullPath(Path.Combine(context.Workspace.Root, "pipelines"));
        var file = Path.GetFullPath(pipeline.Definition.File);
        if (!string.Equals(Path.GetDirectoryName(file), pipelinesDirectory, StringComparison.Ordinal))
            throw new InvalidOperationException(
                $"the service (pid {service.Record.Pid}, {service.Record.Url}) holds the store and runs only the pipelines in {pipelinesDirectory}; " +
                $"put {file} there, or stop the service to run it here");
        var started = await service.StartRunAsync(pipeline.Definition.Name, parameters, force, context.Cancellation);
        context.Output.WriteLine($"run {started.RunId} of {pipeline.Definition.Name} {started.Decision} by the service at {service.Record.Url}");
        return await FollowAsync(context, service, started.RunId, resumesBefore: null);
    }

    public static async Task<int> ResumeAsync(CliContext context, ServiceClient service, string runIdOrPrefix)
    {
        var before = await service.GetRunAsync(runIdOrPrefix, context.Cancellation);
        var resumed = await service.ResumeRunAsync(before.Id, context.Cancellation);
        context.Output.WriteLine($"run {resumed.RunId} resumed by the service at {service.Record.Url}");
        return await FollowAsync(context, service, resumed.RunId, before.Resumes);
    }

    /// <param name="resumesBefore">For a resume: the run's resume count before it, so its earlier end is not taken for this one's.</param>
    private static async Task<int> FollowAsync(CliContext context, ServiceClient service, string runId, int? resumesBefore)
    {
        var reported = new Dictionary<string, string>(StringComparer.Ordinal);
        var cancelRequested = false;
        while (true)
        {
            if (context.Cancellation.IsCancellationRequested && !cancelRequested)
            {
                cancelRequested = true;
                context.Error.WriteLine($"cancelling run {runId} in the service");
                try { await service.CancelRunAsync(runId, CancellationToken.None); }
                catch (InvalidOperationException) { } // it ended meanwhile
            }
            var run = await service.GetRunAsync(runId, CancellationToken.None);
            foreach (var step in run.Steps)
            {
                if (reported.TryGetValue(step.Id, out var last) && last == step.Status) continue;
                reported[step.Id] = step.Status;
                if (step.Status is "pending") continue;
                var status = StatusText.ParseStep(step.Status);
                var took = step.DurationMs is { } ms && step.Status != "running" ? $" in {Durations.Format(TimeSpan.FromMilliseconds(ms))}" : "";
                context.Output.WriteLine($"  {ConsoleRunObserver.Symbol(status)} {step.Id} {step.Status}{took}");
            }
            context.Output.Flush();
            var begun = resumesBefore is null || run.Resumes > resumesBefore;
            if (begun && run.Status is not (RunViews.Queued or "running"))
            {
                var status = StatusText.ParseRun(run.Status);
                var failures = run.Steps.Where(s => s.Status == "failed").Select(s => (s.Id, s.Message ?? "failed"));
                return RunCommand.Report(context, run.Id, status, run.Steps.Select(s => StatusText.ParseStep(s.Status)), failures);
            }
            try { await Task.Delay(PollInterval, context.Cancellation); }
            catch (OperationCanceledException) { }
        }
    }
}
