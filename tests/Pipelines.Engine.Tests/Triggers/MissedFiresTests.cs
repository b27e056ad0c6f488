using Microsoft.Extensions.Time.Testing;
using Pipelines.Engine.Parsing;
using Pipelines.Engine.Triggers;

namespace Pipelines.Engine.Tests.Triggers;

/// <summary>What a schedule owes after the scheduler was down, by its catch_up policy, on a clock the test moves.</summary>
public sealed class MissedFiresTests
{
    private static readonly DateTimeOffset LastFire = new(2026, 3, 2, 3, 0, 0, TimeSpan.Zero); // a Monday, 03:00 in London
    private readonly FakeTimeProvider _clock = new(LastFire);

    private static ScheduleTrigger Weekly(string catchUp) =>
        PipelineParser.ParseText("p.yaml", $$"""
            name: weekly
            on:
              schedule: [{ cron: "0 3 * * MON", timezone: Europe/London, catch_up: {{catchUp}} }]
            steps:
              - { id: a, uses: test/emit, with: { text: a } }
            """).Triggers.Schedules[0];

    [Fact]
    public void All_owes_every_fire_missed_oldest_first_in_the_schedule_zone()
    {
        _clock.Advance(TimeSpan.FromDays(22));
        Assert.Equal(
        [
            new DateTimeOffset(2026, 3, 9, 3, 0, 0, TimeSpan.Zero),
            new DateTimeOffset(2026, 3, 16, 3, 0, 0, TimeSpan.Zero),
            new DateTimeOffset(2026, 3, 23, 3, 0, 0, TimeSpan.Zero),
        ], MissedFires.Due(Weekly("all"), LastFire, _clock));
    }

    [Fact]
    public void Latest_owes_only_the_most_recent_missed_fire()
    {
        _clock.Advance(TimeSpan.FromDays(29));
        var due = Assert.Single(MissedFires.Due(Weekly("latest"), LastFire, _clock));
        Assert.Equal(new DateTimeOffset(2026, 3, 30, 3, 0, 0, TimeSpan.FromHours(1)), due);
        Assert.Equal(TimeSpan.FromHours(1), due.Offset);
    }

    [Fact]
    public void None_owes_nothing_however_long_the_scheduler_was_down()
    {
        _clock.Advance(TimeSpan.FromDays(60));
        Assert.Empty(MissedFires.Due(Weekly("none"), LastFire, _clock));
    }

    [Fact]
    public void A_schedule_the_store_never_fired_starts_from_now()
    {
        _clock.Advance(TimeSpan.FromDays(60));
        Assert.Empty(MissedFires.Due(Weekly("all"), null, _clock));
    }

    [Fact]
    public void Nothing_is_owed_before_the_next_fire_comes_round()
    {
        _clock.Advance(TimeSpan.FromDays(7) - TimeSpan.FromSeconds(1));
        Assert.Empty(MissedFires.Due(Weekly("all"), LastFire, _clock));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Single(MissedFires.Due(Weekly("all"), LastFire, _clock));
    }
}
