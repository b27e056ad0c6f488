using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Pipelines.Abstractions;
using Pipelines.Learning.Compilation;
using Pipelines.Learning.Trees;
using Pipelines.Steps.Tests.Support;
using Pipelines.Steps.Train;
using Pipelines.Steps.Train.MlNet;

namespace Pipelines.Steps.Tests.Train;

/// <summary>
/// Every ML.NET trainer of train/mlnet leaves a registered-form ONNX model whose ONNX Runtime predictions equal
/// ML.NET's own (the holdout file holds ML.NET's predictions) within 1e-5; tree models read back into our trees and
/// compiled scorer equal ONNX Runtime too, and their TreeSHAP values add up to the prediction.
/// </summary>
public sealed class TrainMlNetStepTests : IDisposable
{
    private const double Tolerance = 1e-5;
    private static readonly string[] Columns = ["t", "a", "b", "noise", "y", "up", "regime"];
    private readonly TestStepContext _context = new();

    public void Dispose() => _context.Dispose();

    /// <summary>Rows with features exactly representable as float (ML.NET and ONNX Runtime read float), a value y, a 0/1 label and three classes.</summary>
    private static double?[][] Rows(int count, int seed)
    {
        var rows = LinearTables.Rows(count, seed);
        return rows.Select(r =>
        {
            var a = (double)(float)r[1]!.Value;
            var b = (double)(float)r[2]!.Value;
            var noise = (double)(float)r[3]!.Value;
            var y = r[4]!.Value;
            var regime = y < -3 ? 0 : y < -1 ? 1 : 2;
            return new double?[] { r[0], a, b, noise, y, r[5], regime };
        }).ToArray();
    }

    private TrainMlNetOutputs Run(TrainMlNetInputs inputs) => new TrainMlNetStep().ExecuteAsync(inputs, _context, default).GetAwaiter().GetResult();

    private TrainMlNetInputs Inputs(MlNetTrainer trainer, string? target, ModelTask? task = null) => new()
    {
        Input = TableFiles.Parquet(_context, Columns, Rows(400, seed: 7)), Trainer = trainer, Target = target, Task = task,
        Features = ["a", "b", "noise"], TestFraction = 0.25,
    };

    public static TheoryData<MlNetTrainer, string?, ModelTask?> Trainers => new()
    {
        { MlNetTrainer.FastForest, "up", ModelTask.Binary },
        { MlNetTrainer.FastForest, "y", ModelTask.Regression },
        { MlNetTrainer.FastTree, "up", ModelTask.Binary },
        { MlNetTrainer.FastTree, "y", ModelTask.Regression },
        { MlNetTrainer.Gam, "up", ModelTask.Binary },
        { MlNetTrainer.Gam, "y", ModelTask.Regression },
        { MlNetTrainer.LbfgsLogisticRegression, "up", null },
        { MlNetTrainer.LbfgsLogisticRegression, "regime", null },
        { MlNetTrainer.OnlineGradientDescent, "y", null },
        { MlNetTrainer.Kmeans, null, null },
    };

    [Theory]
    [MemberData(nameof(Trainers))]
    public void ONNX_Runtime_scores_the_exported_model_as_MLNET_does(MlNetTrainer trainer, string? target, ModelTask? task)
    {
        var inputs = Inputs(trainer, target, task);
        if (trainer == MlNetTrainer.Gam) inputs = inputs with { Gam = new MlNetGamOptions { Iterations = 300, LearningRate = 0.05 } };
        if (trainer == MlNetTrainer.Kmeans) inputs = inputs with { Kmeans = new MlNetKmeansOptions { Clusters = 3 } };
        var outputs = Run(inputs);

        var (sourceRows, expected, width) = HoldoutPredictions(outputs.Holdout);
        var rows = Rows(400, seed: 7);
        var features = sourceRows.Select(r => new[] { rows[r][1]!.Value, rows[r][2]!.Value, rows[r][3]!.Value }).ToArray();
        var onnx = RunOnnxRuntime(_context.FullPath(outputs.Model), features, trainer == MlNetTrainer.Kmeans);
        Assert.Equal(expected.Length, onnx.Length);
        if (trainer == MlNetTrainer.Kmeans)
        {
            Assert.Equal(expected, onnx);
            Assert.Equal(3, expected.Distinct().Count());
        }
        else for (var i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - onnx[i]) <= Tolerance, $"row {i / width}: ML.NET {expected[i]}, ONNX Runtime {onnx[i]}");

        // Whatever scores a registered model (PredictiveModel: scoring steps, shadow, drift) gives the same predictions.
        var model = PredictiveModel.Load(_context.FullPath(outputs.Model));
        Assert.Equal(trainer is MlNetTrainer.FastForest or MlNetTrainer.FastTree or MlNetTrainer.Gam, model.Trees is not null);
        Assert.Equal(["a", "b", "noise"], model.FeatureNames);
        var prediction = new double[model.Outputs];
        for (var r = 0; r < features.Length; r++)
        {
            model.Predict(features[r], prediction);
            for (var k = 0; k < width; k++) Assert.True(Math.Abs(prediction[k] - onnx[r * width + k]) <= Tolerance, $"row {r}: ours {prediction[k]}, ONNX Runtime {onnx[r * width + k]}");
        }
    }

    [Theory]
    [InlineData(MlNetTrainer.FastForest)]
    [InlineData(MlNetTrainer.FastTree)]
    [InlineData(MlNetTrainer.Gam)]
    public void Tree_models_compile_to_the_scorer_that_equals_ONNX_Runtime(MlNetTrainer trainer)
    {
        var outputs = Run(Inputs(trainer, "up", ModelTask.Binary) with { Gam = trainer == MlNetTrainer.Gam ? new MlNetGamOptions { Iterations = 300, LearningRate = 0.05 } : null });
        var trees = PredictiveModel.LoadTreeEnsemble(_context.FullPath(outputs.Model));
        var compiled = CompiledTreeEnsemble.Compile(trees);
        var rows = Rows(400, seed: 11);
        var features = rows.Select(r => new[] { r[1]!.Value, r[2]!.Value, r[3]!.Value }).ToArray();
        var onnx = RunOnnxRuntime(_context.FullPath(outputs.Model), features, clustering: false);
        var output = new double[1];
        for (var r = 0; r < features.Length; r++)
        {
            compiled.Predict(features[r], output);
            Assert.True(Math.Abs(output[0] - onnx[r]) <= Tolerance, $"row {r}: compiled {output[0]}, ONNX Runtime {onnx[r]}");
        }
    }

    [Fact]
    public void TreeSHAP_values_of_a_FastTree_model_add_up_to_its_prediction()
    {
        var outputs = Run(Inputs(MlNetTrainer.FastTree, "y", ModelTask.Regression));
        var trees = PredictiveModel.LoadTreeEnsemble(_context.FullPath(outputs.Model));
        var explainer = new TreeShapExplainer(trees);
        var contributions = new double[explainer.ContributionLength];
        var prediction = new double[1];
        foreach (var row in Rows(50, seed: 3))
        {
            double[] features = [row[1]!.Value, row[2]!.Value, row[3]!.Value];
            explainer.Explain(features, contributions);
            trees.Predict(features, prediction);
            Assert.Equal(prediction[0], contributions.Sum(), 9);
            // Not all credit lands on the bias: the model does use its features.
            Assert.Contains(contributions.Take(3), c => Math.Abs(c) > 1e-6);
        }
    }

    [Fact]
    public void Too_many_clusters_for_the_training_rows_is_refused_naming_the_input_and_value()
    {
        var inputs = Inputs(MlNetTrainer.Kmeans, null) with { Kmeans = new MlNetKmeansOptions { Clusters = 500 } };
        var error = Assert.Throws<StepInputException>(() => Run(inputs));
        Assert.Equal("kmeans", error.Input);
        Assert.Contains("clusters is 500", error.Message);
        Assert.Contains("300 training rows", error.Message);
    }

    [Fact]
    public void Options_of_another_trainer_are_refused_naming_both()
    {
        var inputs = Inputs(MlNetTrainer.FastTree, "y", ModelTask.Regression) with { FastForest = new MlNetFastForestOptions() };
        var error = Assert.Throws<StepInputException>(() => Run(inputs));
        Assert.Equal("fast_forest", error.Input);
        Assert.Contains("the trainer is fast_tree", error.Message);
    }

    [Fact]
    public void A_tree_trainer_must_be_told_binary_or_regression()
    {
        var error = Assert.Throws<StepInputException>(() => Run(Inputs(MlNetTrainer.FastForest, "up")));
        Assert.Equal("task", error.Input);
    }

    private (int[] SourceRows, double[] Predictions, int Width) HoldoutPredictions(Artifact holdout)
    {
        using var probe = new ParquetProbe(_context.FullPath(holdout));
        var table = probe.Rows("SELECT * FROM {t} ORDER BY source_row");
        var width = table[0].Length - 2;
        return (table.Select(r => (int)(long)r[0]!).ToArray(), table.SelectMany(r => r.Skip(2).Select(v => (double)v!)).ToArray(), width);
    }

    /// <summary>
    /// ONNX Runtime's own batch run of the model file, reading the output its metadata names (a model from our tree
    /// exporter has a double input and a two-column probability output, of which column 1 is class 1).
    /// </summary>
    private static double[] RunOnnxRuntime(string path, double[][] features, bool clustering)
    {
        using var session = new InferenceSession(path);
        var input = session.InputMetadata.Single();
        var metadata = session.ModelMetadata.CustomMetadataMap;
        var shape = new[] { features.Length, features[0].Length };
        NamedOnnxValue value = input.Value.ElementDataType == TensorElementType.Float
            ? NamedOnnxValue.CreateFromTensor(input.Key, new DenseTensor<float>(features.SelectMany(f => f.Select(x => (float)x)).ToArray(), shape))
            : NamedOnnxValue.CreateFromTensor(input.Key, new DenseTensor<double>(features.SelectMany(f => f).ToArray(), shape));
        using var results = session.Run([value]);
        if (metadata.TryGetValue(OnnxScoringContract.OutputKey, out var outputName))
        {
            var tensor = results.Single(r => r.Name == outputName).AsTensor<float>();
            var width = (int)(tensor.Length / features.Length);
            var values = tensor.ToArray();
            if (!clustering) return values.Select(v => (double)v).ToArray();
            return Enumerable.Range(0, features.Length).Select(r => (double)NearestCluster(values.AsSpan(r * width, width))).ToArray();
        }
        var probabilities = results.SingleOrDefault(r => r.Name == "probabilities");
        if (probabilities is not null)
        {
            var p = probabilities.AsTensor<float>();
            return Enumerable.Range(0, features.Length).Select(r => (double)p[r, 1]).ToArray();
        }
        return results.Single(r => r.Name == "scores").AsTensor<float>().ToArray().Select(v => (double)v).ToArray();
    }

    private static int NearestCluster(ReadOnlySpan<float> distances)
    {
        var best = 0;
        for (var c = 1; c < distances.Length; c++)
        {
            if (distances[c] < distances[best]) best = c;
        }
        return best;
    }
}
