using Pipelines.Engine.Triggers;
using Pipelines.Service.Scheduling;
using Pipelines.Service.Tests.Support;

namespace Pipelines.Service.Tests.Scheduling;

/// <summary>
/// After downtime the scheduler owes the fires it missed since the last fire the store recorded: none, the latest,
/// or all of them, per <c>catch_up</c>; a schedule the store never recorded a fire of owes nothing.
/// </summary>
public sealed class CatchUpTests : IAsyncLifetime
{
    private readonly ServiceHarness _h = new();
    private readonly string _gate = Gates.NewKey();
    private static readonly DateTimeOffset TenOClock = new(2026, 1, 5, 10, 0, 0, TimeSpan.Zero);

    public Task InitializeAsync()
    {
        Gates.Release(_gate);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private void HourlyPipeline(string catchUp) => _h.WritePipeline("hourly", $$"""
        name: hourly
        on:
          schedule:
            - cron: "0 * * * *"
              catch_up: {{catchUp}}
        steps:
          - id: wait
            uses: test/gate
            with: { key: "{{_gate}}" }
        """);

    /// <summary>The service ran the 10:00 fire, was down from 10:30 to 13:30, and starts again.</summary>
    private async Task<IReadOnlyList<DateTimeOffset>> FiresCaughtUpAfterDowntime(string catchUp, bool recordedBefore = true)
    {
        HourlyPipeline(catchUp);
        if (recordedBefore) _h.Dispatcher.Fire(Firing.ForSchedule("hourly", "0 * * * *", TenOClock));
        await _h.Dispatcher.WhenIdleAsync();
        await _h.RestartAsync();
        _h.Clock.Advance(TimeSpan.FromHours(3));

        _h.Scheduler().CatchUp();
        await _h.Dispatcher.WhenIdleAsync();
        return Enumerable.Range(1, 3).Select(h => TenOClock.AddHours(h))
            .Where(t => _h.Firings.Find(FiringKey.ForSchedule("hourly", t)) is not null).ToList();
    }

    [Fact]
    public async Task Catch_up_none_runs_none_of_the_missed_fires() =>
        Assert.Empty(await FiresCaughtUpAfterDowntime("none"));

    [Fact]
    public async Task Catch_up_latest_runs_only_the_most_recent_missed_fire() =>
        Assert.Equal([TenOClock.AddHours(3)], await FiresCaughtUpAfterDowntime("latest"));

    [Fact]
    public async Task Catch_up_all_runs_every_missed_fire_oldest_first()
    {
        Assert.Equal([TenOClock.AddHours(1), TenOClock.AddHours(2), TenOClock.AddHours(3)], await FiresCaughtUpAfterDowntime("all"));
        Assert.Equal(4, _h.Store.ListRuns(10, "hourly").Count);
    }

    [Fact]
    public async Task A_schedule_the_store_never_recorded_a_fire_of_starts_from_now() =>
        Assert.Empty(await FiresCaughtUpAfterDowntime("all", recordedBefore: false));

    [Fact]
    public async Task Catching_up_twice_starts_no_second_run_for_a_fire()
    {
        await FiresCaughtUpAfterDowntime("all");
        _h.Scheduler().CatchUp();
        await _h.Dispatcher.WhenIdleAsync();
        Assert.Equal(4, _h.Store.ListRuns(10, "hourly").Count);
    }
}
