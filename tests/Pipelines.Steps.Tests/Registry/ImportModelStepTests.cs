using System.Globalization;
using System.Text.Json.Nodes;
using Pipelines.Abstractions;
using Pipelines.Steps.Explain;
using Pipelines.Steps.Registry;
using Pipelines.Steps.Tables;
using Pipelines.Steps.Tests.Support;
using Pipelines.Steps.Train;
using Pipelines.Testing;

namespace Pipelines.Steps.Tests.Registry;

/// <summary>
/// registry/import on networks written here as ONNX graphs: an MLP classifier, a binary MLP and a policy network with an
/// action vector. What ONNX Runtime scores after the import is checked against the networks' forward pass in C#, and
/// every way a file can contradict its declaration is refused naming the step's input and the value.
/// </summary>
public sealed class ImportModelStepTests : IDisposable
{
    private static readonly string[] Features = ["ret_1", "std_30", "imbalance", "spread"];
    private readonly StoreStepContext _context = new(stepId: "import");

    public void Dispose() => _context.Dispose();

    private WorkspacePath File(byte[] bytes, string name = "models/net.onnx")
    {
        // A workspace file, as the engine hands a path input to a step: a source artifact naming the file where it lies.
        var full = System.IO.Path.Combine(_context.WorkspaceRoot, name);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        System.IO.File.WriteAllBytes(full, bytes);
        var artifact = new Artifact(Pipelines.Engine.Storage.ArtifactStore.HashFile(full), "source", "onnx", bytes.Length, name);
        return new WorkspacePath(name, full, artifact);
    }

    private static double[] Rows(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count * Features.Length).Select(_ => random.NextDouble() * 2 - 1).ToArray();
    }

    private Artifact Table(double[] rows, Func<int, double?> label) => TableFiles.Parquet(_context, [.. Features, "label"],
        Enumerable.Range(0, rows.Length / Features.Length).Select(r => rows.AsSpan(r * Features.Length, Features.Length).ToArray().Select(v => (double?)v).Append(label(r)).ToArray()));

    private Task<ImportModelOutputs> Import(ImportModelInputs inputs) => new ImportModelStep().ExecuteAsync(inputs, _context, default);

    [Fact]
    public async Task An_MLP_classifier_is_scored_by_ONNX_Runtime_as_its_forward_pass_and_evaluated_on_the_labelled_rows()
    {
        var network = OnnxNetworks.Random([4, 8, 3], "Softmax", seed: 1);
        var rows = Rows(200, 2);
        var classes = new[] { "down", "flat", "up" };
        var table = Table(rows, r => r % 7 == 0 ? null : r % 3);

        var imported = await Import(new ImportModelInputs
        {
            Path = File(OnnxNetworks.Write(network)), Features = Features, Output = OutputMeaning.Probabilities, Classes = classes, Evaluate = table, Target = "label",
        });

        Assert.Equal("multiclass", imported.Task);
        Assert.Equal(3, imported.Outputs);
        var model = PredictiveModel.Load(_context.OpenArtifact(imported.Model));
        Assert.NotNull(model.Onnx);
        Assert.Equal(Features, model.FeatureNames);
        Assert.Equal(classes, model.Onnx!.OutputLabels);
        var output = new double[3];
        double logloss = 0;
        var labelled = 0;
        for (var r = 0; r < 200; r++)
        {
            var row = rows.AsSpan(r * 4, 4);
            model.Predict(row, output);
            var expected = network.Forward(row);
            for (var c = 0; c < 3; c++) Assert.Equal(expected[c], output[c], 1e-5);
            if (r % 7 == 0) continue;
            logloss -= Math.Log(Math.Max(expected[r % 3], 1e-15));
            labelled++;
        }
        var metrics = TrainingMetrics.Load(_context.OpenArtifact(imported.Metrics!));
        Assert.Equal(ModelTask.Multiclass, metrics.Task);
        Assert.Equal(labelled, metrics.Rows.Holdout);
        Assert.Equal(table.Sha256, metrics.TrainingDataSha256);
        Assert.Equal(logloss / labelled, metrics.Holdout["logloss"]!.Value, 4);
    }

    [Fact]
    public async Task A_policy_network_is_read_as_its_whole_action_vector()
    {
        var policy = OnnxNetworks.Random([4, 16, 16, 3], "Tanh", seed: 5);
        var imported = await Import(new ImportModelInputs
        {
            Path = File(OnnxNetworks.Write(policy, inputName: "observation", outputName: "actions")), Features = Features, Output = OutputMeaning.Action,
            Actions = ["position", "stop", "take_profit"],
        });

        Assert.Equal(3, imported.Outputs);
        Assert.Null(imported.Metrics);
        var model = PredictiveModel.Load(_context.OpenArtifact(imported.Model));
        Assert.Equal(3, model.Outputs);
        Assert.True(model.Onnx!.IsActionVector);
        Assert.Equal(["position", "stop", "take_profit"], model.Onnx.OutputLabels);
        var rows = Rows(50, 6);
        var output = new double[3];
        var batch = new double[50 * 3];
        model.Onnx.PredictBatch(rows, 50, batch);
        for (var r = 0; r < 50; r++)
        {
            model.Predict(rows.AsSpan(r * 4, 4), output);
            var expected = policy.Forward(rows.AsSpan(r * 4, 4));
            for (var a = 0; a < 3; a++)
            {
                Assert.Equal(expected[a], output[a], 1e-5);
                Assert.Equal(expected[a], batch[r * 3 + a], 1e-5);
            }
        }
    }

    [Fact]
    public async Task A_sigmoid_output_with_two_classes_is_a_binary_model_giving_the_second_class_probability()
    {
        var network = OnnxNetworks.Random([4, 6, 1], "Sigmoid", seed: 9);
        var imported = await Import(new ImportModelInputs
        {
            Path = File(OnnxNetworks.Write(network)), Features = Features, Output = OutputMeaning.Probabilities, Classes = ["down", "up"],
            Evaluate = Table(Rows(100, 3), r => r % 2), Target = "label",
        });
        Assert.Equal("binary", imported.Task);
        var metrics = TrainingMetrics.Load(_context.OpenArtifact(imported.Metrics!));
        Assert.Contains("auc", metrics.Holdout.Keys);
        var model = PredictiveModel.Load(_context.OpenArtifact(imported.Model));
        Assert.Equal(Pipelines.Learning.Trees.ObjectiveKind.Sigmoid, model.Kind);
    }

    [Fact]
    public async Task An_imported_network_scores_one_row_at_a_time_without_allocating()
    {
        var imported = await Import(new ImportModelInputs
        {
            Path = File(OnnxNetworks.Write(OnnxNetworks.Random([4, 16, 1], "Sigmoid", seed: 4))), Features = Features, Output = OutputMeaning.Probabilities, Classes = ["down", "up"],
        });
        var model = PredictiveModel.Load(_context.OpenArtifact(imported.Model));
        var rows = Rows(1000, 8);
        var output = new double[1];
        for (var r = 0; r < 100; r++) model.Predict(rows.AsSpan(r * 4, 4), output);
        var allocated = AllocationCounter.LeastPerRound(_ =>
        {
            for (var r = 0; r < 1000; r++) model.Predict(rows.AsSpan(r * 4, 4), output);
        });
        Assert.Equal(0, allocated);
    }

    public static TheoryData<string, Func<ImportModelInputs, ImportModelInputs>, byte[], string, string> Mismatches() => new()
    {
        { "five declared features for a four-column input", i => i with { Features = [.. Features, "extra"] }, OnnxNetworks.Write(OnnxNetworks.Random([4, 5, 3], "Softmax", 1)),
            "features", "has 4 columns; features lists 5" },
        { "three probabilities for two classes", i => i with { Classes = ["down", "up"] }, OnnxNetworks.Write(OnnxNetworks.Random([4, 5, 3], "Softmax", 1)),
            "classes", "gives 3 values per row; classes lists 2" },
        { "a regression read from a vector", i => i with { Output = OutputMeaning.Regression, Classes = [] }, OnnxNetworks.Write(OnnxNetworks.Random([4, 5, 3], "", 1)),
            "output", "regression reads one number per row; the output gives 3" },
        { "two actions for a three-value policy", i => i with { Output = OutputMeaning.Action, Classes = [], Actions = ["buy", "sell"] },
            OnnxNetworks.Write(OnnxNetworks.Random([4, 5, 3], "Tanh", 1)), "actions", "gives 3 values per row; actions lists 2" },
        { "an output the graph does not have", i => i with { OutputName = "logits" }, OnnxNetworks.Write(OnnxNetworks.Random([4, 5, 3], "Softmax", 1)),
            "output_name", "the graph has no output 'logits'; its outputs: out" },
        { "bytes that are not a model", i => i, "not an onnx model"u8.ToArray(), "path", "is not an ONNX model ONNX Runtime can load" },
    };

    [Theory]
    [MemberData(nameof(Mismatches))]
    public async Task A_file_that_contradicts_its_declaration_is_refused_naming_the_input_and_the_value(string why, Func<ImportModelInputs, ImportModelInputs> change,
        byte[] file, string input, string message)
    {
        var inputs = change(new ImportModelInputs { Path = File(file), Features = Features, Output = OutputMeaning.Probabilities, Classes = ["down", "flat", "up"] });
        var error = await Assert.ThrowsAsync<StepInputException>(() => Import(inputs));
        Assert.True(error.Input == input, $"{why}: {error.Input}: {error.Message}");
        Assert.Contains(message, error.Message);
        Assert.Empty(_context.Registry.Models());
    }

    [Fact]
    public void A_declaration_that_contradicts_itself_is_refused_before_the_pipeline_runs()
    {
        var inputs = new ImportModelInputs { Path = File([1]), Features = ["a", "a"], Output = OutputMeaning.Action, Classes = ["x", "y"], Evaluate = null, Target = "label" };
        var problems = inputs.Problems().Select(p => p.Input).ToList();
        Assert.Equal(["features", "classes", "evaluate"], problems);
    }

    [Fact]
    public async Task Kernel_SHAP_explains_an_imported_network_exactly_when_every_coalition_fits_and_the_values_add_up_to_the_prediction()
    {
        var network = OnnxNetworks.Random([4, 8, 3], "Softmax", seed: 11);
        var rows = Rows(12, 4);
        var table = Table(rows, r => r % 3);
        var imported = await Import(new ImportModelInputs
        {
            Path = File(OnnxNetworks.Write(network)), Features = Features, Output = OutputMeaning.Probabilities, Classes = ["down", "flat", "up"],
        });
        _context.RecordOutputs("import", [imported.Model]);
        var version = _context.Registry.Register("net", imported.Model, null, null, "test");

        // Every one of the 14 coalitions, and a background of all 12 rows (no more than background_size), so the values are
        // the Shapley values of the network averaged over those rows.
        var explained = await new ExplainStep().ExecuteAsync(new ExplainInputs
        {
            Model = "net", Alias = version.Version.ToString(CultureInfo.InvariantCulture), Data = table, TopK = 4, Coalitions = 14, BackgroundSize = 12,
        }, _context, default);

        var global = JsonNode.Parse(System.IO.File.ReadAllText(_context.OpenArtifact(explained.Global)))!;
        Assert.Equal("kernel_shap_exact", (string)global["kernel_shap"]!["method"]!);
        var expected = global["expected_values"]!.AsArray().Select(v => (double)v!).ToArray();
        for (var c = 0; c < 3; c++)
            Assert.Equal(Enumerable.Range(0, 12).Average(r => network.Forward(rows.AsSpan(r * 4, 4))[c]), expected[c], 1e-5);

        using var connection = ParquetTableWriter.OpenScratch();
        var values = connection.Rows($"SELECT row_index, class, feature, shap, shap_error FROM '{_context.OpenArtifact(explained.Decisions)}'")
            .Select(v => (Row: (int)(long)v[0]!, Class: (string)v[1]!, Feature: (string)v[2]!, Shap: (double)v[3]!, Error: (double)v[4]!)).ToList();
        Assert.Equal(12 * 3 * 4, values.Count);
        Assert.All(values, v => Assert.Equal(0, v.Error));
        var classes = new[] { "down", "flat", "up" };
        foreach (var r in new[] { 0, 5, 11 })
        {
            var exact = BruteForce(network, rows, r);
            for (var c = 0; c < 3; c++)
            {
                for (var f = 0; f < 4; f++)
                    Assert.Equal(exact[c, f], values.Single(v => v.Row == r && v.Class == classes[c] && v.Feature == Features[f]).Shap, 1e-5);
                Assert.Equal(network.Forward(rows.AsSpan(r * 4, 4))[c] - expected[c], values.Where(v => v.Row == r && v.Class == classes[c]).Sum(v => v.Shap), 1e-5);
            }
        }
    }

    // Shapley values by definition over subsets of the other features, the absent ones averaged over all rows.
    private static double[,] BruteForce(OnnxNetworks.Network network, double[] rows, int target)
    {
        const int m = 4;
        var count = rows.Length / m;
        double[] Value(int mask)
        {
            var value = new double[3];
            for (var k = 0; k < count; k++)
            {
                var point = new double[m];
                for (var f = 0; f < m; f++) point[f] = (mask & 1 << f) != 0 ? rows[target * m + f] : rows[k * m + f];
                var output = network.Forward(point);
                for (var c = 0; c < 3; c++) value[c] += output[c] / count;
            }
            return value;
        }
        double Factorial(int n) => n <= 1 ? 1 : n * Factorial(n - 1);
        var phi = new double[3, m];
        for (var j = 0; j < m; j++)
            for (var mask = 0; mask < 1 << m; mask++)
            {
                if ((mask & 1 << j) != 0) continue;
                var size = System.Numerics.BitOperations.PopCount((uint)mask);
                var weight = Factorial(size) * Factorial(m - size - 1) / Factorial(m);
                var with = Value(mask | 1 << j);
                var without = Value(mask);
                for (var c = 0; c < 3; c++) phi[c, j] += weight * (with[c] - without[c]);
            }
        return phi;
    }
}
