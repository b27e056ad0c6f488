using System.CommandLine;
using Pipelines.Cli.Commands;
using Pipelines.Engine.Diagnostics;
using Pipelines.Engine.Settings;
using Pipelines.Engine.Tests.Support;

namespace Pipelines.Engine.Tests.Settings;

/// <summary>
/// ml.yaml's cluster: section sets how the nodes check in; a node's own options override it, and an unusable value is
/// refused at ml.yaml's line and column before any node starts.
/// </summary>
public sealed class ClusterCheckInSettingsTests : IDisposable
{
    private readonly TestWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    private MlSettings Load(string yaml) => Workspace.LoadSettings(_workspace.Write(MlSettings.FileName, yaml));

    private Diagnostic Refused(string yaml)
    {
        var error = Assert.Throws<PipelineValidationException>(() => Load(yaml));
        var diagnostic = Assert.Single(error.Diagnostics);
        Assert.EndsWith(MlSettings.FileName, diagnostic.Location.File);
        return diagnostic;
    }

    [Fact]
    public void The_documented_section_sets_the_interval_and_the_threshold()
    {
        var settings = Load("cluster:\n  checkin_interval: 5s\n  checkin_threshold: 7.5s\n");

        Assert.Equal(TimeSpan.FromSeconds(5), settings.Cluster.Interval());
        Assert.Equal(TimeSpan.FromSeconds(7.5), settings.Cluster.Threshold());
    }

    [Fact]
    public void Without_the_section_a_node_checks_in_as_Quartz_does_by_default_and_a_threshold_left_out_is_the_interval()
    {
        var absent = Load("store:\n  path: .pipelines\n").Cluster;
        Assert.Equal(TimeSpan.FromSeconds(7.5), absent.Interval());
        Assert.Equal(TimeSpan.FromSeconds(7.5), absent.Threshold());

        var intervalOnly = Load("cluster:\n  checkin_interval: 2s\n").Cluster;
        Assert.Equal(TimeSpan.FromSeconds(2), intervalOnly.Threshold());
    }

    [Theory]
    [InlineData("cluster:\n  checkin_interval: 0s\n", "cluster.checkin_interval: must be at least 1ms, got 0ms", 2, 21)]
    [InlineData("cluster:\n  checkin_interval: 5s\n  checkin_threshold: 0ms\n", "cluster.checkin_threshold: must be at least 1ms, got 0ms", 3, 22)]
    public void A_check_in_that_is_not_positive_is_refused_where_it_is_written(string yaml, string message, int line, int column)
    {
        var diagnostic = Refused(yaml);

        Assert.Equal(message, diagnostic.Message);
        Assert.Equal((line, column), (diagnostic.Location.Line, diagnostic.Location.Column));
    }

    [Theory]
    [InlineData("cluster:\n  checkin_interval: soon\n", 2, 21)]
    [InlineData("cluster:\n  checkin_threshold: -5s\n", 2, 22)]
    [InlineData("cluster:\n  checkin_intervall: 5s\n", 2, 3)]
    public void A_value_that_is_no_duration_or_a_misspelt_key_is_refused_where_it_is_written(string yaml, int line, int column)
    {
        var diagnostic = Refused(yaml);

        Assert.Equal((line, column), (diagnostic.Location.Line, diagnostic.Location.Column));
    }

    [Theory]
    [InlineData(new string[0], 5, 7.5)]
    [InlineData(new[] { "--checkin-interval", "2s" }, 2, 7.5)]
    [InlineData(new[] { "--checkin-threshold", "3s" }, 5, 3)]
    [InlineData(new[] { "--checkin-interval", "1s", "--checkin-threshold", "2s" }, 1, 2)]
    public void A_nodes_own_options_override_the_file_one_by_one(string[] args, double interval, double threshold)
    {
        var file = Load("cluster:\n  checkin_interval: 5s\n  checkin_threshold: 7.5s\n").Cluster;

        var settings = ClusterOptions.Settings(Worker().Parse(args), firesSchedules: false, file);

        Assert.Equal(TimeSpan.FromSeconds(interval), settings.CheckinInterval);
        Assert.Equal(TimeSpan.FromSeconds(threshold), settings.CheckinMisfireThreshold);
    }

    [Fact]
    public void A_threshold_given_nowhere_is_the_interval_in_force_wherever_that_came_from()
    {
        var file = Load("cluster:\n  checkin_interval: 4s\n").Cluster;

        Assert.Equal(TimeSpan.FromSeconds(4), ClusterOptions.Settings(Worker().Parse([]), firesSchedules: false, file).CheckinMisfireThreshold);
        Assert.Equal(TimeSpan.FromSeconds(3),
            ClusterOptions.Settings(Worker().Parse(["--checkin-interval", "3s"]), firesSchedules: false, file).CheckinMisfireThreshold);
    }

    private static Command Worker()
    {
        var command = new Command("worker");
        foreach (var option in ClusterOptions.All) command.Options.Add(option);
        return command;
    }
}
