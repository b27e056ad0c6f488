using Pipelines.Engine.Triggers;

namespace Pipelines.Engine.Tests.Triggers;

/// <summary>One run per firing: the same firing always gives the same key, different firings different keys.</summary>
public sealed class FiringKeyTests
{
    private static readonly DateTimeOffset ThreeInLondonSummer = new(2026, 7, 6, 3, 0, 0, TimeSpan.FromHours(1));

    [Fact]
    public void The_same_instant_written_with_another_offset_is_the_same_firing() =>
        Assert.Equal(FiringKey.ForSchedule("retrain", ThreeInLondonSummer), FiringKey.ForSchedule("retrain", ThreeInLondonSummer.ToUniversalTime()));

    [Fact]
    public void A_schedule_key_names_the_pipeline_and_the_utc_time() =>
        Assert.Equal("retrain/schedule/2026-07-06T02:00:00Z", FiringKey.ForSchedule("retrain", ThreeInLondonSummer));

    [Fact]
    public void Two_pipelines_answering_the_same_event_get_a_run_each() =>
        Assert.NotEqual(FiringKey.ForEvent("retrain", "evt-1"), FiringKey.ForEvent("report", "evt-1"));

    [Fact]
    public void A_schedule_fire_and_an_event_never_share_a_key() =>
        Assert.NotEqual(FiringKey.ForEvent("retrain", "2026-07-06T02:00:00Z"), FiringKey.ForSchedule("retrain", ThreeInLondonSummer));
}
