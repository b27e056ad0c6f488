using Pipelines.Abstractions;
using Pipelines.Learning.Explain;
using Pipelines.Steps.Tests.Support;
using Pipelines.Steps.Train;
using Pipelines.Steps.Train.Ensemble;

namespace Pipelines.Steps.Tests.Train.Ensemble;

/// <summary>
/// An ensemble's SHAP values equal Shapley values computed by enumerating coalitions of the ensemble's own game, and
/// add up to its prediction where the docs say they are exact: averages of regression members, stacking on the
/// log-odds scale, and the routed member of a regime ensemble.
/// </summary>
public sealed class EnsembleShapTests : IDisposable
{
    private readonly TestStepContext _context = new();
    private readonly EnsembleTraining _train;
    private readonly double?[][] _rows = EnsembleTraining.Rows(400, seed: 11);
    private readonly Artifact _table;

    public EnsembleShapTests()
    {
        _train = new EnsembleTraining(_context);
        _table = _train.Table(_rows);
    }

    public void Dispose() => _context.Dispose();

    private double[] Row(int r) => [_rows[r][1]!.Value, _rows[r][2]!.Value, _rows[r][3]!.Value];

    private static double Logit(double p) => Math.Log(p / (1 - p));

    /// <summary>Member m's raw score knowing only <paramref name="known"/>: by the tree or the linear game.</summary>
    private static double MemberGame(EnsembleMember member, double[] row, bool[] known) =>
        member.Model.Trees is { } trees ? BruteForceShapley.Trees(trees, row, known) : BruteForceShapley.Linear(member.Model.Linear!, row, known);

    private static void AssertMatches(IShapExplainer explainer, double[] row, Func<bool[], double> game, double linkedPrediction)
    {
        var contributions = new double[explainer.ContributionLength];
        explainer.Explain(row, contributions);
        var expected = BruteForceShapley.Values(row.Length, game);
        for (var j = 0; j < row.Length; j++) Assert.Equal(expected[j], contributions[j], 9);
        Assert.Equal(game(new bool[row.Length]), contributions[row.Length], 9);
        Assert.Equal(linkedPrediction, contributions.Sum(), 9);
    }

    [Fact]
    public void An_average_of_regression_members_is_explained_exactly_by_the_weighted_sum_of_their_values()
    {
        var outputs = _train.Ensemble(new TrainEnsembleInputs
        {
            Kind = EnsembleKind.Average, Input = _table, Target = "y",
            Members = new Dictionary<string, EnsembleMemberInput> { ["gbdt"] = new() { Model = _train.Gbdt(_table, "y").Model }, ["ridge"] = new() { Model = _train.Linear(_table, "y").Model } },
            Weights = new Dictionary<string, double> { ["gbdt"] = 0.3, ["ridge"] = 0.7 },
        });
        var model = _train.Load(outputs.Model);
        var ensemble = model.Ensemble!;
        var explainer = new EnsembleShapExplainer(ensemble);
        var prediction = new double[1];
        foreach (var r in new[] { 320, 350, 399 })
        {
            var row = Row(r);
            model.Predict(row, prediction);
            AssertMatches(explainer, row, known => 0.3 * MemberGame(ensemble.Members[0], row, known) + 0.7 * MemberGame(ensemble.Members[1], row, known), prediction[0]);
        }
    }

    [Fact]
    public void A_stacked_ensemble_is_explained_exactly_on_the_log_odds_scale_through_its_meta_learner()
    {
        var gbdt = _train.Gbdt(_table, folds: 3);
        var linear = _train.Linear(_table, folds: 3);
        var outputs = _train.Ensemble(new TrainEnsembleInputs
        {
            Kind = EnsembleKind.Stacking, Input = _table, Target = "up",
            Members = new Dictionary<string, EnsembleMemberInput>
            {
                ["gbdt"] = new() { Model = gbdt.Model, OutOfSample = gbdt.OutOfSample }, ["linear"] = new() { Model = linear.Model, OutOfSample = linear.OutOfSample },
            },
        });
        var model = _train.Load(outputs.Model);
        var ensemble = model.Ensemble!;
        var explainer = new EnsembleShapExplainer(ensemble);
        var prediction = new double[1];
        foreach (var r in new[] { 320, 350, 399 })
        {
            var row = Row(r);
            model.Predict(row, prediction);
            // The meta-learner's raw score is linear in the members' log-odds, so the game passes through it.
            AssertMatches(explainer, row, known => ensemble.Meta!.RawScore(ensemble.Members.Select(m => MemberGame(m, row, known)).ToArray()), Logit(prediction[0]));
        }
    }

    [Fact]
    public void A_regime_ensemble_is_explained_by_the_member_that_scored_the_row()
    {
        var outputs = _train.Ensemble(new TrainEnsembleInputs
        {
            Kind = EnsembleKind.Regime, Input = _table, Target = "up",
            Members = new Dictionary<string, EnsembleMemberInput> { ["gbdt"] = new() { Model = _train.Gbdt(_table).Model }, ["linear"] = new() { Model = _train.Linear(_table).Model } },
            Regime = new EnsembleRegimeInput { Column = "noise", Routes = new Dictionary<string, string> { ["1"] = "linear" }, Default = "gbdt" },
        });
        var model = _train.Load(outputs.Model);
        var ensemble = model.Ensemble!;
        var explainer = new EnsembleShapExplainer(ensemble);
        var prediction = new double[1];
        var routed = new HashSet<string>();
        foreach (var r in Enumerable.Range(320, 20))
        {
            var row = Row(r);
            model.Predict(row, prediction);
            var member = ensemble.Members[Math.Round(row[2]) == 1 ? 1 : 0];
            routed.Add(member.Name);
            AssertMatches(explainer, row, known => MemberGame(member, row, known), Logit(prediction[0]));
        }
        Assert.Equal(["gbdt", "linear"], routed.Order());
    }
}
