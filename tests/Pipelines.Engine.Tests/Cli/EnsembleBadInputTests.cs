using System.Globalization;
using System.Text;
using Pipelines.Engine.Storage;
using Pipelines.Engine.Tests.Support;

namespace Pipelines.Engine.Tests.Cli;

/// <summary>
/// train/ensemble refuses bad input with the step, the value and where the pipeline writes it: before anything runs
/// when the file alone shows it (exit code 2, no store), and at run time when only the members show it — with
/// nothing registered.
/// </summary>
public sealed class EnsembleBadInputTests : IDisposable
{
    private readonly TestWorkspace _workspace = new();

    public EnsembleBadInputTests()
    {
        var random = new Random(3);
        var csv = new StringBuilder("t,a,b,c,up\n");
        for (var t = 0; t < 300; t++)
        {
            var (a, b, c) = (random.NextDouble(), random.NextDouble(), random.NextDouble());
            csv.Append(CultureInfo.InvariantCulture, $"{t},{a:R},{b:R},{c:R},{(a + 0.3 * random.NextDouble() > 0.6 ? 1 : 0)}\n");
        }
        _workspace.Write("data/rows.csv", csv.ToString());
    }

    public void Dispose() => _workspace.Dispose();

    private CliRun Run(string ensembleWith, string secondFeatures = "[a, b, c]") =>
        CliRun.Invoke("-C", _workspace.Root, "run", _workspace.Write("p.yaml", $$$"""
            name: ensemble-demo
            steps:
              - id: rows
                uses: ingest/csv
                with:
                  path: data/rows.csv
              - id: first
                uses: train/gbdt
                with:
                  input: ${{ steps.rows.outputs.table }}
                  target: up
                  objective: binary
                  features: [a, b, c]
                  params: { num_iterations: 5, min_data_in_leaf: 10 }
              - id: second
                uses: train/gbdt
                with:
                  input: ${{ steps.rows.outputs.table }}
                  target: up
                  objective: binary
                  features: {{{secondFeatures}}}
                  params: { num_iterations: 5, min_data_in_leaf: 10 }
              - id: ensemble
                uses: train/ensemble
                with:
                  input: ${{ steps.rows.outputs.table }}
                  target: up
                  members:
                    first: { model: "${{ steps.first.outputs.model }}" }
                    second: { model: "${{ steps.second.outputs.model }}" }
            {{{ensembleWith}}}
              - id: register
                uses: registry/register
                with:
                  name: demo
                  model: ${{ steps.ensemble.outputs.model }}

            """));

    private void AssertRejected(CliRun run, string location, string fragment)
    {
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(location, run.Error);
        Assert.Contains(fragment, run.Error);
        Assert.False(Directory.Exists(_workspace.StoreRoot), "a rejected pipeline must not create or touch the store");
    }

    [Fact]
    public void An_unknown_kind_is_refused_at_its_value()
    {
        AssertRejected(Run("      kind: bagging"), "p.yaml:31:13", "bagging");
    }

    [Fact]
    public void Weights_that_name_no_member_are_refused_before_running()
    {
        AssertRejected(Run("      kind: average\n      weights: { first: 1, third: 2 }"), "p.yaml:32:", "weight for 'third', which is not a member (first, second)");
    }

    [Fact]
    public void Weights_that_leave_a_member_out_are_refused_before_running()
    {
        AssertRejected(Run("      kind: average\n      weights: { first: 1 }"), "p.yaml:32:", "member 'second' has no weight");
    }

    [Fact]
    public void A_route_to_no_member_is_refused_before_running()
    {
        AssertRejected(Run("      kind: regime\n      regime: { column: c, routes: { \"0\": third }, default: first }"), "p.yaml:32:", "route '0' names 'third', which is not a member");
    }

    [Fact]
    public void An_unknown_meta_learner_is_refused_at_its_value()
    {
        AssertRejected(Run("      kind: stacking\n      meta: boosted"), "p.yaml:32:13", "boosted");
    }

    [Fact]
    public void A_meta_parameter_LightGBM_does_not_know_is_refused_before_running()
    {
        AssertRejected(Run("      kind: stacking\n      meta: gbdt\n      meta_params: { num_leafs: 3 }"), "p.yaml:33:", "num_leafs");
    }

    [Fact]
    public void LightGBM_meta_parameters_for_the_linear_meta_learner_are_refused_before_running()
    {
        AssertRejected(Run("      kind: stacking\n      meta_params: { num_leaves: 3 }"), "p.yaml:32:", "meta_params are LightGBM's, for meta: gbdt");
    }

    [Fact]
    public void A_member_with_other_features_fails_the_step_where_the_member_is_written_and_nothing_is_registered()
    {
        var run = Run("      kind: average", "[a, b]");
        Assert.NotEqual(0, run.ExitCode);
        var output = run.Output + run.Error;
        Assert.Contains("ensemble", output);
        Assert.Contains("p.yaml:30:", output);
        Assert.Contains("member 'second' reads features [a, b], but member 'first' reads [a, b, c]", output);
        using var store = PipelineStore.Open(_workspace.StoreRoot, TimeSpan.FromSeconds(5));
        Assert.Empty(new ModelRegistry(store, RegistryActor.Person(), 20).Models());
    }
}
