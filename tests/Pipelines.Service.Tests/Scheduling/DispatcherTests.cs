using System.Text.Json;
using Pipelines.Engine.Events;
using Pipelines.Engine.Storage;
using Pipelines.Engine.Triggers;
using Pipelines.Service.Scheduling;
using Pipelines.Service.Tests.Support;

namespace Pipelines.Service.Tests.Scheduling;

/// <summary>
/// One dispatcher for every firing: the pipeline's concurrency policy decides what a second firing does while a run
/// is going, and the firing's key lets it start at most one run, across duplicate deliveries and restarts.
/// </summary>
public sealed class DispatcherTests : IAsyncLifetime
{
    private readonly ServiceHarness _h = new();
    private readonly string _gate = Gates.NewKey();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        Gates.Release(_gate);
        await _h.DisposeAsync();
    }

    private void GatedPipeline(string concurrency) => _h.WritePipeline("gated", $$"""
        name: gated
        concurrency: {{concurrency}}
        steps:
          - id: wait
            uses: test/gate
            with: { key: "{{_gate}}" }
        """);

    private RunRecord Run(string runId) => _h.Store.FindRun(runId) ?? throw new Xunit.Sdk.XunitException($"run {runId} is not in the store");

    [Fact]
    public async Task Forbid_skips_a_second_firing_while_a_run_is_going_and_publishes_trigger_skipped()
    {
        GatedPipeline("forbid");
        var first = _h.Dispatcher.Fire(Firing.Manual("gated", new Dictionary<string, string>()));
        var second = _h.Dispatcher.Fire(Firing.ForSchedule("gated", "* * * * *", _h.Clock.GetUtcNow()));

        Assert.Equal(FiringDecision.Started, first.Decision);
        Assert.Equal(FiringDecision.Skipped, second.Decision);
        Assert.Null(second.RunId);
        var skipped = Assert.Single(_h.Store.Events(new EventQuery(Type: "trigger.skipped")));
        Assert.Equal("gated", skipped.Pipeline);
        using var payload = JsonDocument.Parse(skipped.PayloadJson);
        Assert.Equal("schedule", payload.RootElement.GetProperty("trigger_kind").GetString());
        Assert.Contains(first.RunId!, payload.RootElement.GetProperty("reason").GetString());

        Gates.Release(_gate);
        await _h.Dispatcher.WhenIdleAsync();
        Assert.Equal(RunStatus.Succeeded, Run(first.RunId!).Status);
        Assert.Single(_h.Store.ListRuns(10, "gated"));
    }

    [Fact]
    public async Task Allow_runs_a_second_firing_beside_the_first()
    {
        GatedPipeline("allow");
        var first = _h.Dispatcher.Fire(Firing.Manual("gated", new Dictionary<string, string>()));
        var second = _h.Dispatcher.Fire(Firing.Manual("gated", new Dictionary<string, string>()));

        Assert.Equal(FiringDecision.Started, second.Decision);
        Assert.True(_h.Dispatcher.IsRunning(first.RunId!));
        Assert.True(_h.Dispatcher.IsRunning(second.RunId!));
        Gates.Release(_gate);
        await _h.Dispatcher.WhenIdleAsync();
        Assert.All(new[] { first, second }, o => Assert.Equal(RunStatus.Succeeded, Run(o.RunId!).Status));
    }

    [Fact]
    public async Task Queue_starts_the_second_run_only_after_the_first_ends()
    {
        GatedPipeline("queue");
        var first = _h.Dispatcher.Fire(Firing.Manual("gated", new Dictionary<string, string>()));
        var second = _h.Dispatcher.Fire(Firing.Manual("gated", new Dictionary<string, string>()));

        Assert.Equal(FiringDecision.Queued, second.Decision);
        // The first run reaches its gate on its own thread; once it holds there, the second is still only queued.
        await WaitUntil(() => Gates.EnteredCount(_gate) == 1);
        Assert.True(_h.Dispatcher.IsQueued(second.RunId!));
        Assert.Null(_h.Store.FindRun(second.RunId!));
        Assert.Equal(1, Gates.EnteredCount(_gate));

        Gates.Release(_gate);
        await _h.Dispatcher.WhenIdleAsync();
        var (a, b) = (Run(first.RunId!), Run(second.RunId!));
        Assert.Equal(RunStatus.Succeeded, a.Status);
        Assert.Equal(RunStatus.Succeeded, b.Status);
        Assert.True(b.StartedAt >= a.FinishedAt, $"queued run started at {b.StartedAt:O}, before the first ended at {a.FinishedAt:O}");
    }

    [Fact]
    public async Task Replace_cancels_the_running_run_and_starts_the_new_one()
    {
        GatedPipeline("replace");
        var first = _h.Dispatcher.Fire(Firing.Manual("gated", new Dictionary<string, string>()));
        await WaitUntil(() => Gates.EnteredCount(_gate) == 1);
        var second = _h.Dispatcher.Fire(Firing.Manual("gated", new Dictionary<string, string>()));

        Assert.Equal(FiringDecision.Replaced, second.Decision);
        await WaitUntil(() => !_h.Dispatcher.IsRunning(first.RunId!));
        Assert.Equal(RunStatus.Cancelled, Run(first.RunId!).Status);
        Gates.Release(_gate);
        await _h.Dispatcher.WhenIdleAsync();
        Assert.Equal(RunStatus.Succeeded, Run(second.RunId!).Status);
    }

    [Fact]
    public async Task A_firing_delivered_twice_starts_one_run_even_across_a_restart()
    {
        GatedPipeline("allow");
        Gates.Release(_gate);
        var at = new DateTimeOffset(2026, 1, 5, 10, 0, 0, TimeSpan.Zero);
        var first = _h.Dispatcher.Fire(Firing.ForSchedule("gated", "0 * * * *", at));
        // The same instant written with another offset is the same fire.
        var again = _h.Dispatcher.Fire(Firing.ForSchedule("gated", "0 * * * *", at.ToOffset(TimeSpan.FromHours(2))));
        await _h.Dispatcher.WhenIdleAsync();

        Assert.False(first.IsDuplicate);
        Assert.True(again.IsDuplicate);
        Assert.Equal(first.RunId, again.RunId);

        await _h.RestartAsync();
        var afterRestart = _h.Dispatcher.Fire(Firing.ForSchedule("gated", "0 * * * *", at));
        Assert.True(afterRestart.IsDuplicate);
        Assert.Equal(first.RunId, afterRestart.RunId);
        Assert.Single(_h.Store.ListRuns(10, "gated"));
    }

    [Fact]
    public void A_manual_start_with_a_parameter_on_manual_does_not_allow_is_refused_naming_it_and_records_nothing()
    {
        _h.WritePipeline("narrow", $$"""
            name: narrow
            on:
              manual: { params: [since] }
            params:
              since: "2026-01-01"
              limit: 10
            steps:
              - id: wait
                uses: test/gate
                with: { key: "{{_gate}}" }
            """);

        var refused = Assert.Throws<Pipelines.Engine.Diagnostics.PipelineValidationException>(() =>
            _h.Dispatcher.Fire(Firing.Manual("narrow", new Dictionary<string, string> { ["limit"] = "5" })));

        Assert.Contains("limit", refused.Diagnostics.Single().ToString());
        Assert.Empty(_h.Store.ListRuns(10, "narrow"));
    }

    [Fact]
    public async Task A_run_reads_what_fired_it_through_trigger_fields()
    {
        _h.WritePipeline("reader", $$$"""
            name: reader
            steps:
              - id: wait
                uses: test/gate
                with: { key: "{{{_gate}}}/${{ trigger.kind }}/${{ trigger.scheduled_time }}" }
            """);
        var at = new DateTimeOffset(2026, 1, 5, 10, 0, 0, TimeSpan.Zero);
        var expectedKey = $"{_gate}/schedule/2026-01-05T10:00:00+00:00";
        Gates.Release(expectedKey);

        var outcome = _h.Dispatcher.Fire(Firing.ForSchedule("reader", "0 * * * *", at));
        await _h.Dispatcher.WhenIdleAsync();

        Assert.Equal(RunStatus.Succeeded, Run(outcome.RunId!).Status);
        Assert.Equal(1, Gates.EnteredCount(expectedKey));
    }

    [Fact]
    public async Task Stopping_lets_a_run_finish_within_the_grace_period()
    {
        GatedPipeline("allow");
        var run = _h.Dispatcher.Fire(Firing.Manual("gated", new Dictionary<string, string>()));
        var stopping = _h.Dispatcher.StopAsync(TimeSpan.FromSeconds(30));
        _h.Clock.Advance(TimeSpan.FromSeconds(10));
        Assert.False(stopping.IsCompleted);
        Assert.Throws<InvalidOperationException>(() => _h.Dispatcher.Fire(Firing.Manual("gated", new Dictionary<string, string>())));

        Gates.Release(_gate);
        await stopping;
        Assert.Equal(RunStatus.Succeeded, Run(run.RunId!).Status);
    }

    [Fact]
    public async Task Stopping_cancels_a_run_still_going_after_the_grace_period_and_records_it_cancelled()
    {
        GatedPipeline("allow");
        var run = _h.Dispatcher.Fire(Firing.Manual("gated", new Dictionary<string, string>()));
        await WaitUntil(() => Gates.EnteredCount(_gate) == 1);
        var stopping = _h.Dispatcher.StopAsync(TimeSpan.FromSeconds(30));
        await Task.Delay(100);
        Assert.False(stopping.IsCompleted);

        _h.Clock.Advance(TimeSpan.FromSeconds(31));
        await stopping.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(RunStatus.Cancelled, Run(run.RunId!).Status);
    }

    [Fact]
    public async Task A_queued_firing_whose_run_never_began_starts_after_a_restart()
    {
        GatedPipeline("queue");
        _h.Dispatcher.Fire(Firing.Manual("gated", new Dictionary<string, string>()));
        var queued = _h.Dispatcher.Fire(Firing.Manual("gated", new Dictionary<string, string>()));
        Assert.Equal(FiringDecision.Queued, queued.Decision);

        await _h.RestartAsync();
        Assert.Null(_h.Store.FindRun(queued.RunId!));
        Gates.Release(_gate);
        _h.Dispatcher.Recover();
        await _h.Dispatcher.WhenIdleAsync();
        Assert.Equal(RunStatus.Succeeded, Run(queued.RunId!).Status);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not reached within 30 s");
            await Task.Delay(20);
        }
    }
}
