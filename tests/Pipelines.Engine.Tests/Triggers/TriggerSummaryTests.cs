using Microsoft.Extensions.Time.Testing;
using Pipelines.Engine.Parsing;
using Pipelines.Engine.Triggers;

namespace Pipelines.Engine.Tests.Triggers;

/// <summary>A reviewer sees when a schedule fires next, in its own time zone, on a clock the test controls.</summary>
public sealed class TriggerSummaryTests
{
    private const string Pipeline = """
        name: retrain
        params: { since: "2023-03-01" }
        on:
          schedule:
            - cron: "30 1 * * SUN"
              timezone: Europe/London
              catch_up: all
          events:
            - { type: drift.detected, model: toxicity, min_severity: HIGH }
          manual: { params: [since] }
        concurrency: queue
        steps:
          - { id: a, uses: test/emit, with: { text: a } }
        """;

    [Fact]
    public void Lists_the_next_three_fires_across_the_change_to_summer_time()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 20, 12, 0, 0, TimeSpan.Zero));
        var lines = TriggerSummary.Describe(PipelineParser.ParseText("p.yaml", Pipeline), clock);
        Assert.Equal(
        [
            "schedule[0]: cron \"30 1 * * SUN\" in Europe/London, catch_up all; " +
            "next: Sun 2026-03-22 01:30:00 +00:00, Sun 2026-03-29 02:00:00 +01:00, Sun 2026-04-05 01:30:00 +01:00",
            "events[0]: drift.detected for model toxicity at severity HIGH or above",
            "manual: may set params since",
            "concurrency: queue",
        ], lines);
    }

    [Fact]
    public void Moves_on_when_the_clock_does()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 20, 12, 0, 0, TimeSpan.Zero));
        var definition = PipelineParser.ParseText("p.yaml", Pipeline);
        clock.Advance(TimeSpan.FromDays(14));
        Assert.StartsWith("schedule[0]: cron \"30 1 * * SUN\" in Europe/London, catch_up all; next: Sun 2026-04-05 01:30:00 +01:00",
            TriggerSummary.Describe(definition, clock)[0]);
    }

    [Fact]
    public void A_pipeline_without_triggers_has_nothing_to_say() =>
        Assert.Empty(TriggerSummary.Describe(PipelineParser.ParseText("p.yaml", "name: plain\nsteps:\n  - { id: a, uses: test/emit, with: { text: a } }\n"),
            new FakeTimeProvider()));
}
