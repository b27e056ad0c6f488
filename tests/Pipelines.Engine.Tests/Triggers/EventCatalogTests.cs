using Pipelines.Engine.Triggers;
using Pipelines.Learning.Drift;

namespace Pipelines.Engine.Tests.Triggers;

/// <summary>The event catalogue names what the engine and steps publish, in the words they use.</summary>
public sealed class EventCatalogTests
{
    [Fact]
    public void Min_severity_takes_exactly_the_severities_the_drift_check_assigns() =>
        Assert.Equal(Enum.GetNames<DriftSeverity>(), Enum.GetNames<DriftSeverityLevel>());

    [Fact]
    public void Event_type_names_are_unique() =>
        Assert.Equal(EventCatalog.Types.Count, EventCatalog.Types.Select(t => t.Name).Distinct().Count());

    [Theory]
    [InlineData("drift.detect", "drift.detected")]
    [InlineData("model.promote", "model.promoted")]
    [InlineData("run.fail", "run.failed")]
    [InlineData("performance.degrade", "performance.degraded")]
    public void A_misspelt_type_is_matched_to_the_nearest_known_one(string misspelt, string nearest) =>
        Assert.Equal(nearest, EventCatalog.Nearest(misspelt));
}
