using Pipelines.Engine.Tests.Support;

namespace Pipelines.Engine.Tests.Cli;

/// <summary>validate and plan show a reviewer when each schedule fires next, in its own time zone; run ignores triggers.</summary>
public sealed class TriggerCommandTests : IDisposable
{
    private const string NextThreeMondaysAtThreeInLondon =
        @"schedule\[0\]: cron ""0 3 \* \* MON"" in Europe/London, catch_up latest; next: (Mon \d{4}-\d\d-\d\d 03:00:00 \+0[01]:00(, )?){3}";

    private readonly TestWorkspace _workspace = new();
    private readonly string _pipeline;

    public TriggerCommandTests()
    {
        _workspace.Write("data/bars.csv", "t,price\n1,10.5\n2,11.0\n");
        _pipeline = _workspace.Write("p.yaml", """
            name: demo
            on:
              schedule:
                - cron: 0 3 * * MON
                  timezone: Europe/London
                  catch_up: latest
              events:
                - type: drift.detected
                  model: toxicity
            concurrency: forbid
            steps:
              - id: bars
                uses: ingest/csv
                with:
                  path: data/bars.csv

            """);
    }

    public void Dispose() => _workspace.Dispose();

    private CliRun Cli(params string[] args) => CliRun.Invoke(["-C", _workspace.Root, .. args]);

    [Fact]
    public void Validate_prints_the_next_three_fires_of_each_schedule()
    {
        var run = Cli("validate", _pipeline);
        Assert.Equal(0, run.ExitCode);
        Assert.Matches(NextThreeMondaysAtThreeInLondon, run.Output);
        Assert.Contains("events[0]: drift.detected for model toxicity", run.Output);
        Assert.Contains("concurrency: forbid", run.Output);
    }

    [Fact]
    public void Plan_prints_them_after_the_steps()
    {
        var run = Cli("plan", _pipeline);
        Assert.Equal(0, run.ExitCode);
        Assert.Matches(NextThreeMondaysAtThreeInLondon, run.Output);
        Assert.True(run.Output.IndexOf("bars", StringComparison.Ordinal) < run.Output.IndexOf("schedule[0]", StringComparison.Ordinal));
    }

    [Fact]
    public void Run_ignores_the_triggers_and_runs_the_steps()
    {
        var run = Cli("run", _pipeline);
        Assert.Equal(0, run.ExitCode);
        Assert.DoesNotContain("schedule[0]", run.Output);
    }
}
