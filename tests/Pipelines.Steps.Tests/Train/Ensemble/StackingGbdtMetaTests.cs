using System.Text.Json.Nodes;
using Pipelines.Abstractions;
using Pipelines.Learning.Data;
using Pipelines.Learning.LightGbm;
using Pipelines.Steps.Explain;
using Pipelines.Steps.Inference;
using Pipelines.Steps.Tests.Support;
using Pipelines.Steps.Train;
using Pipelines.Steps.Train.Ensemble;

namespace Pipelines.Steps.Tests.Train.Ensemble;

/// <summary>
/// Stacking with a LightGBM meta-learner, checked against LightGBM itself: the test builds the meta-features from the
/// members' own out_of_sample files, trains LightGBM on them through the binding with the parameters written out here,
/// and LightGBM's own predictions (LGBM_BoosterPredictForMat) on the members' holdout outputs must be the ensemble's.
/// </summary>
public sealed class StackingGbdtMetaTests : IDisposable
{
    /// <summary>The meta-learner's documented defaults, written out independently of the step's code.</summary>
    private static readonly Dictionary<string, string> MetaDefaults = new()
    {
        ["num_iterations"] = "50", ["learning_rate"] = "0.1", ["num_leaves"] = "4", ["min_data_in_leaf"] = "20", ["lambda_l2"] = "1", ["seed"] = "1",
    };

    private readonly TestStepContext _context = new() { ModelRegistry = new MemoryModelRegistry(), ShadowLog = new RecordedShadowLog() };
    private readonly EnsembleTraining _train;

    public StackingGbdtMetaTests() => _train = new EnsembleTraining(_context);

    public void Dispose() => _context.Dispose();

    private static EnsembleMemberInput Member(Artifact model, Artifact outOfSample) => new() { Model = model, OutOfSample = outOfSample };

    /// <summary>An out_of_sample file's rows of one part, by source row: its label and its prediction columns.</summary>
    private SortedDictionary<long, (double Label, double[] Predictions)> OutOfSample(Artifact file, string part, int outputs)
    {
        using var probe = new ParquetProbe(_context.FullPath(file));
        var columns = outputs == 1 ? "prediction" : string.Join(", ", Enumerable.Range(0, outputs).Select(c => $"p{c}"));
        return new SortedDictionary<long, (double, double[])>(probe.Rows($"SELECT source_row, label, {columns} FROM {{t}} WHERE part = '{part}'")
            .ToDictionary(r => (long)r[0]!, r => ((double)r[1]!, r.Skip(2).Select(v => (double)v!).ToArray())));
    }

    /// <summary>
    /// The meta-features as the docs define them, from the members' files: log-odds of a binary member's probability,
    /// a regression member's value, each class probability of a multiclass member; rows in source order.
    /// </summary>
    private static DenseDataset MetaRows(IReadOnlyList<SortedDictionary<long, (double Label, double[] Predictions)>> members, string task)
    {
        var rows = members[0].Keys.ToList();
        foreach (var other in members.Skip(1)) Assert.Equal(rows, other.Keys.ToList());
        var values = rows.SelectMany(row => members.SelectMany(m => m[row].Predictions.Select(p => task == "binary" ? Math.Log(p / (1 - p)) : p))).ToArray();
        var width = values.Length / rows.Count;
        return new DenseDataset(values, rows.Count, Enumerable.Range(0, width).Select(i => $"f{i}").ToList(), rows.Select(r => members[0][r].Label).ToArray());
    }

    /// <summary>Trains LightGBM on the walk-forward meta-features and returns its own predictions for the holdout ones, with the holdout rows.</summary>
    private (long[] Rows, double[] Predictions) LightGbmOnItsOwn(IReadOnlyList<Artifact> outOfSample, string task, int outputs)
    {
        var walkForward = MetaRows(outOfSample.Select(f => OutOfSample(f, "walk_forward", outputs)).ToList(), task);
        var holdoutParts = outOfSample.Select(f => OutOfSample(f, "holdout", outputs)).ToList();
        var holdout = MetaRows(holdoutParts, task);
        var parameters = new Dictionary<string, string>(MetaDefaults) { ["objective"] = task };
        if (task == "multiclass") parameters["num_class"] = outputs.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var booster = LightGbmTrainer.Train(walkForward, null, LightGbmParameters.From(parameters));
        return (holdoutParts[0].Keys.ToArray(), booster.Predict(holdout));
    }

    [Theory]
    [InlineData("up", "binary")]
    [InlineData("y", "regression")]
    public void A_LightGBM_meta_learner_predicts_the_holdout_as_LightGBM_trained_on_the_members_out_of_fold_predictions_does(string target, string task)
    {
        var table = _train.Table(EnsembleTraining.Rows(400, seed: 31));
        var gbdt = _train.Gbdt(table, target, folds: 3, gap: 5);
        var linear = _train.Linear(table, target, folds: 3, gap: 5);
        var outputs = _train.Ensemble(new TrainEnsembleInputs
        {
            Kind = EnsembleKind.Stacking, Meta = EnsembleMetaLearner.Gbdt, Input = table, Target = target, Gap = 5,
            Members = new Dictionary<string, EnsembleMemberInput> { ["gbdt"] = Member(gbdt.Model, gbdt.OutOfSample), ["linear"] = Member(linear.Model, linear.OutOfSample) },
        });

        // The meta-learner learned from the walk-forward rows 81-314 only: none of the first fold's training rows, none of the holdout.
        using (var probe = new ParquetProbe(_context.FullPath(outputs.MetaTraining!)))
            Assert.Equal([81L, 314L, 234L], probe.Rows("SELECT min(source_row), max(source_row), count(*) FROM {t}").Single());

        var (rows, expected) = LightGbmOnItsOwn([gbdt.OutOfSample, linear.OutOfSample], task, 1);
        var ensemble = _train.Predictions(outputs.Holdout);
        Assert.Equal(rows, ensemble.Keys.Order());
        Assert.Equal(80, rows.Length);
        for (var i = 0; i < rows.Length; i++) Assert.Equal(expected[i], ensemble[rows[i]], 1e-9);
        Assert.True(expected.Distinct().Count() > 3, "the meta-learner should not be a constant");

        // The manifest names LightGBM's model text by its hash; the summary says which learner combined the members.
        var manifest = EnsembleManifest.Parse(File.ReadAllText(_context.FullPath(outputs.Model)), "manifest");
        Assert.Equal(("meta", "txt"), (manifest.Meta!.Role, manifest.Meta.Format));
        Assert.Equal(["gbdt", "linear"], manifest.Meta.Features);
        Assert.StartsWith("tree", File.ReadAllText(_context.OpenArtifact(_context.FindArtifact(manifest.Meta.Sha256)!)), StringComparison.Ordinal);
        var metrics = TrainingMetrics.Load(_context.FullPath(outputs.Metrics));
        Assert.Equal(EnsembleMetaLearner.Gbdt, metrics.Ensemble!.Meta);
        Assert.Equal(["gbdt", "linear"], metrics.Ensemble.MetaGain!.Keys.Order());
        Assert.Null(metrics.Ensemble.MetaCoefficients);
        Assert.Equal("4", metrics.Parameters["meta_params.num_leaves"]);
    }

    [Fact]
    public async Task Multiclass_members_are_stacked_on_every_class_probability_and_the_registered_ensemble_predicts_each_class()
    {
        // Three levels of y (low, mid, high) as class ids, like toxicity's LOW/MID/HIGH.
        var rows = EnsembleTraining.Rows(450, seed: 37).Select(r => (double?[])[r[0], r[1], r[2], r[3], r[4] < -4 ? 0 : r[4] < -1 ? 1 : 2]).ToArray();
        var table = TableFiles.Parquet(_context, ["t", "a", "b", "noise", "level"], rows);
        TrainGbdtOutputs Gbdt(string leaves, IReadOnlyList<string> features) => new TrainGbdtStep().ExecuteAsync(new TrainGbdtInputs
        {
            Input = table, Target = "level", Objective = GbdtObjective.Multiclass, Features = features, Folds = 3,
            Params = new Dictionary<string, string> { ["num_iterations"] = "15", ["min_data_in_leaf"] = "10", ["num_leaves"] = leaves },
        }, _context, default).GetAwaiter().GetResult();
        var deep = Gbdt("7", ["a", "b", "noise"]);
        var shallow = Gbdt("3", ["noise", "b", "a"]);
        var inputs = new TrainEnsembleInputs
        {
            Kind = EnsembleKind.Stacking, Input = table, Target = "level",
            Members = new Dictionary<string, EnsembleMemberInput> { ["deep"] = Member(deep.Model, deep.OutOfSample), ["shallow"] = Member(shallow.Model, shallow.OutOfSample) },
        };

        // The linear meta-learner cannot stack them, and says what can.
        var refused = Assert.Throws<StepInputException>(() => _train.Ensemble(inputs));
        Assert.Contains("use meta: gbdt", refused.Message);

        var outputs = _train.Ensemble(inputs with { Meta = EnsembleMetaLearner.Gbdt });
        var (holdoutRows, expected) = LightGbmOnItsOwn([deep.OutOfSample, shallow.OutOfSample], "multiclass", 3);
        using (var probe = new ParquetProbe(_context.FullPath(outputs.Holdout)))
        {
            var stored = probe.Rows("SELECT source_row, p0, p1, p2 FROM {t} ORDER BY source_row");
            Assert.Equal(holdoutRows, stored.Select(r => (long)r[0]!));
            for (var i = 0; i < stored.Count; i++)
                for (var c = 0; c < 3; c++) Assert.Equal(expected[i * 3 + c], (double)stored[i][c + 1]!, 1e-9);
        }
        using (var probe = new ParquetProbe(_context.FullPath(outputs.MetaTraining!)))
            Assert.Equal(["source_row", "fold", "label", "deep_p0", "deep_p1", "deep_p2", "shallow_p0", "shallow_p1", "shallow_p2"], probe.Schema().Select(c => c.Name));

        // Registered beside a champion (one of its members), it loads as any model does and predicts the three classes' probabilities.
        var champion = _context.Registry.Register("levels", deep.Model, File.ReadAllText(_context.FullPath(deep.Metrics)), table.Sha256, "test").Version;
        _context.Registry.Promote("levels", champion, "champion", "test");
        var version = _context.Registry.Register("levels", outputs.Model, File.ReadAllText(_context.FullPath(outputs.Metrics)), table.Sha256, "test");
        var model = _context.LoadModel(_context.Registry.Find("levels", version.Version.ToString(System.Globalization.CultureInfo.InvariantCulture))!.Model);
        Assert.Equal(3, model.Outputs);
        Assert.Equal(Pipelines.Learning.Trees.ObjectiveKind.Softmax, model.Kind);
        var probabilities = new double[3];
        model.Predict([0.2, 1.0, 0.5], probabilities);
        Assert.Equal(1.0, probabilities.Sum(), 12);
        Assert.Equal(ModelTask.Multiclass, TrainingMetrics.Load(_context.FullPath(outputs.Metrics)).Task);

        // shadow/compare scores it as a three-class challenger: its loss is the mean log loss of its own probabilities.
        var shadow = await new Pipelines.Steps.Shadow.ShadowCompareStep().ExecuteAsync(new Pipelines.Steps.Shadow.ShadowCompareInputs
        {
            Model = "levels", Challenger = version.Version, Data = table, Target = "level", MinPredictions = 100,
        }, _context, default);
        var logLoss = rows.Average(r =>
        {
            model.Predict([r[1]!.Value, r[2]!.Value, r[3]!.Value], probabilities);
            return -Math.Log(probabilities[(int)r[4]!.Value]);
        });
        Assert.Equal(logLoss, shadow.ChallengerLoss, 9);
    }

    [Fact]
    public async Task Explain_shares_a_LightGBM_stacked_ensembles_probability_out_by_Kernel_SHAP_and_the_tick_path_leaves_it_unexplained()
    {
        var table = _train.Table(EnsembleTraining.Rows(400, seed: 41));
        var gbdt = _train.Gbdt(table, folds: 2);
        var linear = _train.Linear(table, folds: 2);
        var outputs = _train.Ensemble(new TrainEnsembleInputs
        {
            Kind = EnsembleKind.Stacking, Meta = EnsembleMetaLearner.Gbdt, Input = table, Target = "up",
            Members = new Dictionary<string, EnsembleMemberInput> { ["gbdt"] = Member(gbdt.Model, gbdt.OutOfSample), ["linear"] = Member(linear.Model, linear.OutOfSample) },
        });
        var version = _context.Registry.Register("updown", outputs.Model, null, table.Sha256, "test").Version;

        var explained = await new ExplainStep().ExecuteAsync(new ExplainInputs { Model = "updown", Alias = version.ToString(), Data = table, MaxRows = 20, TopK = 3 }, _context, default);
        var global = JsonNode.Parse(File.ReadAllText(_context.FullPath(explained.Global)))!;
        // Three features: all six coalitions are enumerated, so the values are the exact Shapley values for the background.
        Assert.Equal("kernel_shap_exact", (string)global["kernel_shap"]!["method"]!);
        var expectedValue = (double)global["expected_values"]![0]!;
        var model = _train.Load(outputs.Model);
        using var probe = new ParquetProbe(_context.FullPath(explained.Decisions));
        var byRow = probe.Rows("SELECT row_index, sum(shap), count(*) FROM {t} GROUP BY row_index ORDER BY row_index");
        Assert.Equal(20, byRow.Count);
        var all = EnsembleTraining.Rows(400, seed: 41);
        var output = new double[1];
        foreach (var row in byRow)
        {
            var r = all[(long)row[0]!];
            model.Predict([r[1]!.Value, r[2]!.Value, r[3]!.Value], output);
            Assert.Equal(3L, (long)row[2]!);
            Assert.Equal(output[0] - expectedValue, (double)row[1]!, 1e-9);
        }

        var loaded = LoadedModel.Load("updown", version, _context.FullPath(outputs.Model), sha => _context.OpenArtifact(_context.FindArtifact(sha)!));
        Assert.NotNull(loaded.Ensemble!.MetaTrees);
        Assert.Null(loaded.Explainer);
    }
}
