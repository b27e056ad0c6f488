using Pipelines.Abstractions;
using Pipelines.Engine.Storage;
using Pipelines.Engine.Tests.Support;

namespace Pipelines.Engine.Tests.Storage;

/// <summary>
/// Runs whose process ended without recording an end. Opening the store takes its lock, so a run still marked
/// running by another process cannot be alive; the real SIGKILL case is in <c>FaultTests</c>.
/// </summary>
public sealed class AbandonedRunTests : IDisposable
{
    private readonly TestWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public void A_run_left_running_by_another_process_is_interrupted_when_the_store_is_next_opened()
    {
        using (var store = PipelineStore.Open(_workspace.StoreRoot, TimeSpan.Zero))
        {
            store.InsertRun(Run("abandoned", RunStatus.Running, host: "elsewhere", pid: 4242));
            store.CompleteStepRun(Step("abandoned", "done", StepStatus.Succeeded), [], []);
            store.UpsertStepRun(Step("abandoned", "cut-off", StepStatus.Running));
        }
        IReadOnlyList<StepRunRecord> stepsBefore;
        using (var store = PipelineStore.Open(_workspace.StoreRoot, TimeSpan.Zero))
        {
            var run = store.FindRun("abandoned")!;
            Assert.Equal(RunStatus.Interrupted, run.Status);
            Assert.Null(run.FinishedAt);
            Assert.Equal("the process running it (elsewhere, pid 4242) ended without finishing it", run.Error);
            stepsBefore = store.StepRuns("abandoned");
        }
        // Nothing about the steps changes, however often the store is opened.
        using (var store = PipelineStore.Open(_workspace.StoreRoot, TimeSpan.Zero))
        {
            Assert.Equal(stepsBefore, store.StepRuns("abandoned"));
            Assert.Equal(StepStatus.Running, store.StepRuns("abandoned").Single(s => s.StepId == "cut-off").Status);
        }
    }

    [Fact]
    public void Finished_runs_and_runs_of_this_process_keep_their_status()
    {
        using (var store = PipelineStore.Open(_workspace.StoreRoot, TimeSpan.Zero))
        {
            store.InsertRun(Run("mine", RunStatus.Running, Environment.MachineName, Environment.ProcessId));
            store.InsertRun(Run("same-pid-other-host", RunStatus.Running, "elsewhere", Environment.ProcessId));
            store.InsertRun(Run("failed", RunStatus.Failed, "elsewhere", 4242));
            store.InsertRun(Run("succeeded", RunStatus.Succeeded, "elsewhere", 4242));
        }
        using var reopened = PipelineStore.Open(_workspace.StoreRoot, TimeSpan.Zero);
        Assert.Equal(RunStatus.Running, reopened.FindRun("mine")!.Status);
        Assert.Equal(RunStatus.Interrupted, reopened.FindRun("same-pid-other-host")!.Status);
        Assert.Equal(RunStatus.Failed, reopened.FindRun("failed")!.Status);
        Assert.Equal(RunStatus.Succeeded, reopened.FindRun("succeeded")!.Status);
    }

    private static RunRecord Run(string id, RunStatus status, string host, int pid) => new(id, "p", "p.yaml", new string('0', 64), "name: p", "{}",
        null, null, status, DateTime.UtcNow, status == RunStatus.Running ? null : DateTime.UtcNow, host, pid, false, 0, null);

    private static StepRunRecord Step(string runId, string id, StepStatus status) => new(
        runId, id, "test/emit", 1, status, null, null, 1, DateTime.UtcNow, status == StepStatus.Running ? null : DateTime.UtcNow,
        status == StepStatus.Running ? null : 1.0, null, status == StepStatus.Running ? null : "{}", null);
}
