using Pipelines.Engine.Triggers;

namespace Pipelines.Engine.Tests.Triggers;

/// <summary>Standard cron is translated into Quartz's dialect so that both fire at the same instants.</summary>
public sealed class StandardCronTests
{
    private static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

    [Theory]
    [InlineData("0 3 * * MON", "0 0 3 ? * MON")]
    [InlineData("0 3 * * 1", "0 0 3 ? * MON")]
    [InlineData("0 3 * * 0", "0 0 3 ? * SUN")]
    [InlineData("0 3 * * 7", "0 0 3 ? * SUN")]
    [InlineData("0 3 * * 1-5", "0 0 3 ? * MON-FRI")]
    [InlineData("0 3 * * 5-7", "0 0 3 ? * SUN,FRI,SAT")]
    [InlineData("*/15 * * * *", "0 0/15 * * * ?")]
    [InlineData("*/5 * * * * *", "0/5 * * * * ?")]
    [InlineData("0 0 1,15 jan,jul *", "0 0 0 1,15 1,7 ?")]
    [InlineData("30 2 13 * FRI", "0 30 2 13 * FRI")]
    [InlineData("0 0 * * *", "0 0 0 * * ?")]
    [InlineData("0 9-17/2 * * *", "0 0 9,11,13,15,17 * * ?")]
    [InlineData("0 0 1-31 * MON", "0 0 0 * * ?")]
    public void Translates_standard_cron_into_quartz(string cron, string quartz) =>
        Assert.Equal(quartz, StandardCron.Parse(cron).QuartzText);

    [Theory]
    [InlineData("0 3 * *", "4 field(s)")]
    [InlineData("61 * * * *", "cron minute field '61' has '61', outside 0-59")]
    [InlineData("0 3 * * 8", "cron day-of-week field '8' has '8', outside 0-7 (Sunday is 0 or 7)")]
    [InlineData("0 3 * * MUN", "cron day-of-week field 'MUN' has 'MUN', which is neither a number nor one of SUN, MON")]
    [InlineData("0 3 * * 5-1", "range '5-1' that runs backwards")]
    [InlineData("*/0 * * * *", "cron minute field '*/0' has step '0'")]
    [InlineData("0 3 */2 * MON", "cron day-of-month field '*/2' starts with '*' but is stepped while day-of-week 'MON' is restricted")]
    public void Refuses_what_is_not_standard_cron_quoting_the_field(string cron, string message)
    {
        var error = Assert.Throws<CronSyntaxException>(() => StandardCron.Parse(cron));
        Assert.Contains(message, error.Message);
    }

    [Theory]
    [InlineData("0 3 * * MON")]
    [InlineData("*/7 * * * *")]
    [InlineData("15,45 9-17 * * 1-5")]
    [InlineData("0 0 13 * FRI")]
    [InlineData("0 12 1,15 * 0")]
    [InlineData("0 6 * JAN,JUL SUN")]
    [InlineData("5 4 * * 7")]
    [InlineData("0 0 29 2 *")]
    [InlineData("0 */6 */10 * *")]
    [InlineData("30 1 1-7 * SAT,SUN")]
    [InlineData("0 0 1 * FRI-7")]
    public void Fires_exactly_when_a_direct_reading_of_the_fields_does(string cron) =>
        AssertFiresLikeTheOracle(cron, TimeZoneInfo.Utc, new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), 25, TimeSpan.FromDays(1500));

    [Theory]
    [InlineData("*/5 * * * * *")]
    [InlineData("10-20/5 */2 * * * *")]
    public void Fires_every_few_seconds_when_a_seconds_field_leads(string cron) =>
        AssertFiresLikeTheOracle(cron, TimeZoneInfo.Utc, new DateTimeOffset(2026, 5, 1, 23, 58, 0, TimeSpan.Zero), 40, TimeSpan.FromHours(2));

    [Theory]
    [InlineData("30 1 * * *")]
    [InlineData("*/30 * * * *")]
    [InlineData("15 1,2 * * *")]
    [InlineData("0 * * * *")]
    public void Fires_across_the_clock_changes_in_London_as_cron_does(string cron)
    {
        AssertFiresLikeTheOracle(cron, London, new DateTimeOffset(2026, 3, 28, 12, 0, 0, TimeSpan.Zero), 12, TimeSpan.FromDays(3));
        AssertFiresLikeTheOracle(cron, London, new DateTimeOffset(2026, 10, 24, 12, 0, 0, TimeSpan.Zero), 12, TimeSpan.FromDays(3));
    }

    [Fact]
    public void A_weekly_schedule_keeps_its_local_hour_when_summer_time_begins()
    {
        var schedule = StandardCron.Parse("0 3 * * SUN").ToQuartz(London);
        var beforeChange = schedule.GetNextValidTimeAfter(new DateTimeOffset(2026, 3, 21, 0, 0, 0, TimeSpan.Zero))!.Value;
        var afterChange = schedule.GetNextValidTimeAfter(beforeChange)!.Value;
        Assert.Equal(new DateTimeOffset(2026, 3, 22, 3, 0, 0, TimeSpan.Zero), beforeChange);
        Assert.Equal(new DateTimeOffset(2026, 3, 29, 2, 0, 0, TimeSpan.Zero), afterChange);
    }

    private static void AssertFiresLikeTheOracle(string cron, TimeZoneInfo zone, DateTimeOffset after, int count, TimeSpan horizon)
    {
        var expected = new CronOracle(cron, zone).NextFires(after, count, horizon);
        var quartz = StandardCron.Parse(cron).ToQuartz(zone);
        var actual = new List<DateTimeOffset>();
        for (var from = after; actual.Count < expected.Count && quartz.GetNextValidTimeAfter(from) is { } next; from = next)
            actual.Add(next.ToUniversalTime());
        Assert.True(expected.Count > 0, $"the oracle found no fire of '{cron}'");
        Assert.Equal(expected, actual);
    }
}
