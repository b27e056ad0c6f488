using Pipelines.Abstractions;
using Pipelines.Learning.Data;
using Pipelines.Learning.LightGbm;
using Pipelines.Learning.Linear;
using Pipelines.Steps.Tests.Support;
using Pipelines.Steps.Train;
using Pipelines.Steps.Train.Ensemble;
using Pipelines.Steps.Train.MlNet;

namespace Pipelines.Steps.Tests.Train.Ensemble;

/// <summary>
/// train/ensemble's predictions checked against its members scored on their own: the members' holdout files hold the
/// predictions LightGBM, train/linear and ML.NET made themselves, so the ensemble's must follow from them.
/// </summary>
public sealed class TrainEnsembleStepTests : IDisposable
{
    private readonly TestStepContext _context = new();
    private readonly EnsembleTraining _train;

    public TrainEnsembleStepTests() => _train = new EnsembleTraining(_context);

    public void Dispose() => _context.Dispose();

    private static EnsembleMemberInput Member(Artifact model, Artifact? outOfSample = null) => new() { Model = model, OutOfSample = outOfSample };

    /// <summary>The files the step told the store its manifest needs, by hash (what retention keeps while it is in use).</summary>
    private IEnumerable<string> Referenced(Artifact manifest) => _context.References.Where(r => r.Artifact == manifest).Select(r => r.Referenced.Sha256).Order();

    [Fact]
    public void An_average_is_the_weighted_mean_of_the_probabilities_each_member_gave_on_its_own()
    {
        var table = _train.Table(EnsembleTraining.Rows(400, seed: 3));
        var gbdt = _train.Gbdt(table);
        var linear = _train.Linear(table);
        var outputs = _train.Ensemble(new TrainEnsembleInputs
        {
            Kind = EnsembleKind.Average, Input = table, Target = "up",
            Members = new Dictionary<string, EnsembleMemberInput> { ["gbdt"] = Member(gbdt.Model, gbdt.OutOfSample), ["linear"] = Member(linear.Model) },
            Weights = new Dictionary<string, double> { ["gbdt"] = 3, ["linear"] = 1 },
        });

        var fromLightGbm = _train.Predictions(gbdt.Holdout);
        var fromLinear = _train.Predictions(linear.Holdout);
        var ensemble = _train.Predictions(outputs.Holdout);
        Assert.Equal(80, ensemble.Count);
        foreach (var (row, p) in ensemble) Assert.Equal(0.75 * fromLightGbm[row] + 0.25 * fromLinear[row], p, 12);

        var metrics = TrainingMetrics.Load(_context.FullPath(outputs.Metrics));
        Assert.Equal("ensemble", metrics.ModelType);
        Assert.Equal(["gbdt", "linear"], metrics.Ensemble!.Members.Select(m => m.Name));
        Assert.Equal(0.75, metrics.Ensemble.Weights!["gbdt"], 12);
        Assert.Equal([gbdt.Model.Sha256, linear.Model.Sha256], metrics.Ensemble.Members.Select(m => m.ModelSha256));
    }

    [Fact]
    public void Stacking_learns_only_from_predictions_each_made_by_a_member_refitted_on_earlier_rows_and_combines_the_holdout_by_its_meta_learner()
    {
        var rows = EnsembleTraining.Rows(400, seed: 5);
        var table = _train.Table(rows);
        var gbdt = _train.Gbdt(table, folds: 3, gap: 5);
        var linear = _train.Linear(table, folds: 3, gap: 5);
        var outputs = _train.Ensemble(new TrainEnsembleInputs
        {
            Kind = EnsembleKind.Stacking, Input = table, Target = "up", Gap = 5,
            Members = new Dictionary<string, EnsembleMemberInput> { ["gbdt"] = Member(gbdt.Model, gbdt.OutOfSample), ["linear"] = Member(linear.Model, linear.OutOfSample) },
        });

        // 400 rows, 80 held out after a gap of 5: walk-forward test blocks are rows 81-158, 159-236 and 237-314. The meta-learner
        // saw those only; none of the first block's training rows, none of the holdout.
        using var probe = new ParquetProbe(_context.FullPath(outputs.MetaTraining!));
        Assert.Equal([81L, 314L, 234L], probe.Rows("SELECT min(source_row), max(source_row), count(*) FROM {t}").Single());

        // Fold 1 refitted by hand: LightGBM with the parameters the member recorded, and train/linear's logistic fit, on rows 0-75.
        DenseDataset Rows(int from, int count) => new(rows.Skip(from).Take(count).SelectMany(r => new[] { r[1]!.Value, r[2]!.Value, r[3]!.Value }).ToArray(), count,
            ["a", "b", "noise"], rows.Skip(from).Take(count).Select(r => r[5]!.Value).ToArray());
        var parameters = TrainingMetrics.Load(_context.FullPath(gbdt.Metrics)).Parameters;
        using var booster = LightGbmTrainer.Train(Rows(0, 76), null, LightGbmParameters.From(parameters));
        var byLightGbm = booster.Predict(Rows(81, 78));
        var byLinear = LinearTrainer.Fit(Rows(0, 76), new LinearParameters()).PredictAll(Rows(81, 78));
        var stored = probe.Rows("SELECT gbdt, linear, label FROM {t} WHERE fold = 1 ORDER BY source_row");
        Assert.Equal(78, stored.Count);
        for (var i = 0; i < 78; i++)
        {
            Assert.Equal(Math.Log(byLightGbm[i] / (1 - byLightGbm[i])), (double)stored[i][0]!, 9);
            Assert.Equal(Math.Log(byLinear[i] / (1 - byLinear[i])), (double)stored[i][1]!, 9);
            Assert.Equal(rows[81 + i][5]!.Value, (double)stored[i][2]!);
        }

        // The holdout: the meta-learner's logistic function of the members' own holdout log-odds.
        var model = _train.Load(outputs.Model);
        var meta = model.Ensemble!.Meta!;
        var fromLightGbm = _train.Predictions(gbdt.Holdout);
        var fromLinear = _train.Predictions(linear.Holdout);
        var ensemble = _train.Predictions(outputs.Holdout);
        Assert.Equal(fromLightGbm.Keys.Order(), ensemble.Keys.Order());
        foreach (var (row, p) in ensemble)
        {
            double[] logOdds = [Math.Log(fromLightGbm[row] / (1 - fromLightGbm[row])), Math.Log(fromLinear[row] / (1 - fromLinear[row]))];
            var score = meta.Intercept;
            for (var m = 0; m < 2; m++) score += meta.Weights[m] * (logOdds[m] - meta.Scaler!.Mean[m]) / meta.Scaler.Scale[m];
            Assert.Equal(1 / (1 + Math.Exp(-score)), p, 9);
        }

        // The manifest needs both members and the meta-learner, whose hash the manifest itself gives.
        var metaFile = EnsembleManifest.Parse(File.ReadAllText(_context.FullPath(outputs.Model)), "manifest").Meta!.Sha256;
        Assert.Equal(new[] { gbdt.Model.Sha256, linear.Model.Sha256, metaFile }.Order(), Referenced(outputs.Model));
    }

    [Fact]
    public void A_regime_ensemble_scores_each_row_with_the_member_its_k_means_cluster_routes_to()
    {
        var table = _train.Table(EnsembleTraining.Rows(400, seed: 7));
        var regimes = _train.MlNet(table, MlNetTrainer.Kmeans, null, ["a", "b"], clusters: 3);
        var gbdt = _train.Gbdt(table);
        var forest = _train.MlNet(table, MlNetTrainer.FastForest, "up");
        var outputs = _train.Ensemble(new TrainEnsembleInputs
        {
            Kind = EnsembleKind.Regime, Input = table, Target = "up",
            Members = new Dictionary<string, EnsembleMemberInput> { ["gbdt"] = Member(gbdt.Model), ["forest"] = Member(forest.Model) },
            Regime = new EnsembleRegimeInput { Model = regimes.Model, Routes = new Dictionary<string, string> { ["1"] = "forest" }, Default = "gbdt" },
        });

        // ML.NET's own clusters for the holdout rows (the k-means step held out the same latest 80 rows).
        var cluster = _train.Predictions(regimes.Holdout);
        var fromLightGbm = _train.Predictions(gbdt.Holdout);
        var fromMlNet = _train.Predictions(forest.Holdout);
        var ensemble = _train.Predictions(outputs.Holdout);
        Assert.Equal(80, ensemble.Count);
        Assert.Contains(ensemble.Keys, row => cluster[row] == 1);
        Assert.Contains(ensemble.Keys, row => cluster[row] != 1);
        foreach (var (row, p) in ensemble)
            Assert.Equal(cluster[row] == 1 ? fromMlNet[row] : fromLightGbm[row], p, cluster[row] == 1 ? 5 : 12);
        // The manifest needs both members and the k-means model that routes between them.
        Assert.Equal(new[] { gbdt.Model.Sha256, forest.Model.Sha256, regimes.Model.Sha256 }.Order(), Referenced(outputs.Model));
    }

    [Fact]
    public void Stacking_takes_an_MLNET_forests_out_of_fold_predictions_as_it_takes_LightGBMs()
    {
        var rows = EnsembleTraining.Rows(400, seed: 9);
        var table = _train.Table(rows);
        var gbdt = _train.Gbdt(table, folds: 3);
        var forest = _train.MlNet(table, MlNetTrainer.FastForest, "up", folds: 3);
        var outputs = _train.Ensemble(new TrainEnsembleInputs
        {
            Kind = EnsembleKind.Stacking, Input = table, Target = "up",
            Members = new Dictionary<string, EnsembleMemberInput> { ["gbdt"] = Member(gbdt.Model, gbdt.OutOfSample), ["forest"] = Member(forest.Model, forest.OutOfSample!) },
        });

        // The forest's out-of-fold rows are the walk-forward folds, then its holdout file row for row; the meta-learner read
        // the walk-forward ones on the log-odds scale.
        var walkForward = _train.Predictions(forest.OutOfSample!, "part = 'walk_forward'");
        Assert.Equal(_train.Predictions(forest.Holdout), _train.Predictions(forest.OutOfSample!, "part = 'holdout'"));
        using var probe = new ParquetProbe(_context.FullPath(outputs.MetaTraining!));
        var learned = probe.Rows("SELECT source_row, forest FROM {t}").ToDictionary(r => (long)r[0]!, r => (double)r[1]!);
        Assert.Equal(walkForward.Keys.Order(), learned.Keys.Order());
        foreach (var (row, p) in walkForward) Assert.Equal(Math.Log(p / (1 - p)), learned[row], 9);

        var meta = _train.Load(outputs.Model).Ensemble!.Meta!;
        var fromLightGbm = _train.Predictions(gbdt.Holdout);
        var fromMlNet = _train.Predictions(forest.Holdout);
        foreach (var (row, p) in _train.Predictions(outputs.Holdout))
        {
            double[] logOdds = [Math.Log(fromLightGbm[row] / (1 - fromLightGbm[row])), Math.Log(fromMlNet[row] / (1 - fromMlNet[row]))];
            Assert.Equal(meta.Predict(logOdds), p, 5);
        }
    }
}
