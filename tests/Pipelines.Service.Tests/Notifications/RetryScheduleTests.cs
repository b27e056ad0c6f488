using Pipelines.Service.Notifications;

namespace Pipelines.Service.Tests.Notifications;

public sealed class RetryScheduleTests
{
    private readonly RetrySchedule _schedule = new(TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(2));

    [Theory]
    [InlineData(1, 5)]
    [InlineData(2, 10)]
    [InlineData(3, 20)]
    [InlineData(5, 80)]
    [InlineData(6, 120)]
    [InlineData(60, 120)]
    public void The_ceiling_doubles_after_each_failure_up_to_the_maximum(int failures, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), _schedule.Ceiling(failures));

    [Fact]
    public void Each_wait_lies_between_half_the_ceiling_and_the_ceiling_and_the_waits_differ()
    {
        var random = new Random(7);
        var waits = Enumerable.Range(0, 1000).Select(_ => _schedule.DelayAfter(3, random)).ToList();

        Assert.All(waits, w => Assert.InRange(w, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20)));
        Assert.True(waits.Distinct().Count() > 900, "jitter spreads retries apart");
        // Uniform on [10s, 20s): the mean of a thousand draws lies near 15s.
        Assert.InRange(waits.Average(w => w.TotalSeconds), 14.5, 15.5);
    }
}
