using Pipelines.Engine.Tests.Support;

namespace Pipelines.Engine.Tests.Cli;

/// <summary>A backtest policy that cannot be traded is refused before anything runs, at the value at fault.</summary>
public sealed class BacktestBadInputTests : IDisposable
{
    private readonly TestWorkspace _workspace = new();

    public BacktestBadInputTests() => _workspace.Write("data/bars.csv", "open_time,close,prediction\n1,10.5,0.6\n2,11.0,0.4\n3,11.2,0.7\n");

    public void Dispose() => _workspace.Dispose();

    private CliRun Run(string with) => CliRun.Invoke(["-C", _workspace.Root, "run", _workspace.Write("p.yaml", $$$"""
        name: demo
        steps:
          - id: bars
            uses: ingest/csv
            with:
              path: data/bars.csv
          - id: backtest
            uses: backtest/signal
            with:
              data: ${{ steps.bars.outputs.table }}
              prediction_column: prediction
        {{{with}}}
        """)]);

    private void AssertRejected(CliRun run, string location, string fragment)
    {
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(location, run.Error);
        Assert.Contains(fragment, run.Error, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("PL013", run.Error);
        Assert.False(Directory.Exists(_workspace.StoreRoot), "a rejected pipeline must not create or touch the store");
    }

    [Fact]
    public void Thresholds_that_overlap_are_refused_at_short_below()
    {
        var run = Run("      long_above: 0.4\n      short_below: 0.6\n");
        AssertRejected(run, "p.yaml:13:20", "input 'short_below': 0.6 is above long_above 0.4: the thresholds overlap");
    }

    [Fact]
    public void Negative_costs_are_refused_each_at_its_value()
    {
        var run = Run("      long_above: 0.55\n      fee_bps: -1\n      slippage_bps: -0.5\n");
        AssertRejected(run, "p.yaml:13:16", "input 'fee_bps': a cost cannot be negative: got -1");
        Assert.Contains("p.yaml:14:21", run.Error);
    }

    [Fact]
    public void A_policy_with_no_side_is_refused_at_the_step()
    {
        var run = Run("      fee_bps: 5\n");
        AssertRejected(run, "p.yaml:10:7", "takes no side");
    }

    [Fact]
    public void A_threshold_given_by_a_parameter_is_judged_when_it_is_known_not_before()
    {
        // long_above comes from an expression the validator cannot see through a step output; nothing is reported
        // against the literal short_below, and the pipeline runs until the step reads its data.
        var run = CliRun.Invoke(["-C", _workspace.Root, "validate", _workspace.Write("q.yaml", """
            name: demo
            params:
              upper: 0.55
            steps:
              - id: bars
                uses: ingest/csv
                with:
                  path: data/bars.csv
              - id: backtest
                uses: backtest/signal
                with:
                  data: ${{ steps.bars.outputs.table }}
                  prediction_column: prediction
                  long_above: ${{ params.upper }}
                  short_below: 0.45
            """)]);
        Assert.True(run.ExitCode == 0, run.Output + run.Error);
    }
}
