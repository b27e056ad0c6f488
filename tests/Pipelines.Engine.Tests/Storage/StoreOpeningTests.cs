using System.Diagnostics;
using Pipelines.Engine.Storage;
using Pipelines.Engine.Tests.Support;

namespace Pipelines.Engine.Tests.Storage;

/// <summary>
/// One writer per store file inside a process too: DuckDB.NET gives every connection of a process to one file the
/// same database, so without the store's own claim two stores would write it with two journals.
/// </summary>
public sealed class StoreOpeningTests : IDisposable
{
    private readonly TestWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public void A_second_store_of_the_same_process_waits_for_the_first_and_then_reports_the_store_locked()
    {
        using var first = PipelineStore.Open(_workspace.StoreRoot, TimeSpan.Zero);
        var clock = Stopwatch.StartNew();

        var e = Assert.Throws<StoreLockedException>(() => PipelineStore.Open(_workspace.StoreRoot, TimeSpan.FromMilliseconds(500)));

        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(500), $"gave up after {clock.Elapsed.TotalMilliseconds:0} ms");
        Assert.Contains("in use", e.Message);
        Assert.Contains("this process", e.Message);
    }

    [Fact]
    public void A_store_closed_by_one_owner_opens_for_the_next_with_what_the_first_wrote()
    {
        using (var first = PipelineStore.Open(_workspace.StoreRoot, TimeSpan.Zero))
            first.InsertRun(Run("run-1"));

        using var second = PipelineStore.Open(_workspace.StoreRoot, TimeSpan.Zero);
        Assert.Equal("run-1", second.FindRun("run-1")?.RunId);
    }

    [Fact]
    public void A_run_reads_back_field_by_field_as_it_was_inserted()
    {
        var run = Run("run-fields") with { GitCommit = "abc123", GitDirty = true, FinishedAt = null, Pid = 42, Resumes = 2, Error = "boom" };
        using var store = PipelineStore.Open(_workspace.StoreRoot, TimeSpan.Zero);
        store.InsertRun(run);

        var read = store.FindRun("run-fields");

        Assert.Equal(run, read);
        Assert.Equal(DateTimeKind.Utc, read!.StartedAt.Kind);
    }

    private static RunRecord Run(string id) => new(
        id, "demo", "pipelines/demo.yaml", new string('a', 64), "name: demo", "{}", null, null, RunStatus.Running,
        new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc), null, Environment.MachineName, Environment.ProcessId, false, 0, null);
}
