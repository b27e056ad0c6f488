using Pipelines.Engine.Diagnostics;
using Pipelines.Engine.Settings;
using Pipelines.Engine.Tests.Support;

namespace Pipelines.Engine.Tests.Settings;

/// <summary>ml.yaml's monitor: and retention: sections, and the one version limit old and new files agree on.</summary>
public sealed class MonitorAndRetentionSettingsTests : IDisposable
{
    private readonly TestWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    private MlSettings Load(string yaml) => Workspace.LoadSettings(_workspace.Write("ml.yaml", yaml));

    private PipelineValidationException Refused(string yaml) => Assert.Throws<PipelineValidationException>(() => Load(yaml));

    [Fact]
    public void Absent_sections_take_the_defaults_of_the_users_documents()
    {
        var settings = Load("store:\n  path: .pipelines\n");
        Assert.Equal(1.0, settings.Monitor.MinSharpe);
        Assert.Equal(0.5, settings.Monitor.MinWinRate);
        Assert.Equal(0.1, settings.Monitor.MaxCalibrationError);
        Assert.Equal(90, settings.Retention.ShadowDays);
        Assert.Equal(180, settings.Retention.ArchiveRetiredDays);
        Assert.Equal(0, settings.Retention.DecisionDays);
        Assert.Equal(20, settings.Registry.MaxVersions);
        Assert.Equal(20, settings.ForSteps().Retention.MaxVersions);
    }

    [Fact]
    public void An_older_file_with_registry_max_versions_still_sets_the_limit()
    {
        var settings = Load("registry:\n  max_versions: 7\n");
        Assert.Equal(7, settings.Registry.MaxVersions);
        Assert.Equal(7, settings.ForSteps().Retention.MaxVersions);
    }

    [Fact]
    public void Retention_max_versions_is_the_limit_the_registry_applies()
    {
        var settings = Load("retention:\n  max_versions: 5\n  shadow_days: 30\n  decision_days: 14\n");
        Assert.Equal(5, settings.Registry.MaxVersions);
        Assert.Equal(30, settings.ForSteps().Retention.ShadowDays);
        Assert.Equal(14, settings.ForSteps().Retention.DecisionDays);
    }

    [Fact]
    public void Both_places_for_the_version_limit_at_once_is_an_error_at_the_older_key()
    {
        var error = Refused("registry:\n  max_versions: 7\nretention:\n  max_versions: 5\n");
        var diagnostic = Assert.Single(error.Diagnostics);
        Assert.Equal(2, diagnostic.Location.Line);
        Assert.Contains("retention.max_versions", diagnostic.Message);
    }

    [Theory]
    [InlineData("retention:\n  shadow_days: -1\n", "retention.shadow_days", 2)]
    [InlineData("retention:\n  max_versions: 0\n", "retention.max_versions", 2)]
    [InlineData("monitor:\n  min_sharpe: 1\n  min_win_rate: 1.5\n", "monitor.min_win_rate", 3)]
    [InlineData("monitor:\n  confidence: 1\n", "monitor.confidence", 2)]
    [InlineData("monitor:\n  min_rows: 1\n", "monitor.min_rows", 2)]
    public void An_unusable_value_is_reported_where_it_is_written(string yaml, string key, int line)
    {
        var diagnostic = Assert.Single(Refused(yaml).Diagnostics);
        Assert.StartsWith(key, diagnostic.Message);
        Assert.Equal(line, diagnostic.Location.Line);
    }

    [Fact]
    public void A_misspelt_key_is_refused()
    {
        var diagnostic = Assert.Single(Refused("retention:\n  shadow_day: 10\n").Diagnostics);
        Assert.Contains("shadow_day", diagnostic.ToString());
    }
}
