using System.Diagnostics;
using Pipelines.Abstractions;
using Pipelines.Engine.Storage;
using Pipelines.Engine.Tests.Support;

namespace Pipelines.Engine.Tests.Storage;

public sealed class GroupCommitTests : IDisposable
{
    private readonly EngineHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public void A_queued_step_record_is_committed_without_a_read_even_after_an_earlier_batch_was_forced()
    {
        var first = _h.Store.UpsertStepRun(Step("a", StepStatus.Running));
        _h.Store.Flush();
        Assert.True(_h.Store.IsCommitted(first));

        // Nothing reads or flushes from here on: only the background commit can make it durable.
        var second = _h.Store.UpsertStepRun(Step("b", StepStatus.Running));
        Assert.True(WaitUntil(() => _h.Store.IsCommitted(second)), "the background commit never wrote the queued record");
    }

    [Fact]
    public void Records_of_many_batches_with_reads_in_between_all_land_once()
    {
        var expectedEdges = 0;
        for (var i = 0; i < 30; i++)
        {
            var output = new Artifact($"{i:x2}{new string('0', 62)}", "table", "bin", i, $"artifacts/x/{i}");
            var inputs = i == 0 ? Array.Empty<Artifact>() : [new Artifact($"{i - 1:x2}{new string('0', 62)}", "table", "bin", i - 1, $"artifacts/x/{i - 1}")];
            expectedEdges += inputs.Length;
            _h.Store.CompleteStepRun(Step($"s{i}", StepStatus.Succeeded), [("table", output)], inputs);
            // A read commits the batch so far; the next batch goes through the same table writers.
            Assert.Equal(i + 1, _h.Store.Count("step_outputs"));
        }

        Assert.Equal(30, _h.Store.Count("artifacts"));
        Assert.Equal(expectedEdges, _h.Store.Count("lineage"));
        Assert.Equal(30, _h.Store.StepRuns("run-1").Count);
    }

    private static StepRunRecord Step(string id, StepStatus status) => new(
        "run-1", id, "test/emit", 1, status, null, null, 1, DateTime.UtcNow, status == StepStatus.Running ? null : DateTime.UtcNow,
        status == StepStatus.Running ? null : 1.0, "{}", status == StepStatus.Running ? null : "{}", null);

    private static bool WaitUntil(Func<bool> condition)
    {
        // Generous: this checks that the commit happens at all, not how soon, on a shared and busy machine.
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            if (condition()) return true;
            Thread.Sleep(10);
        }
        return condition();
    }
}
