using Pipelines.Learning.LightGbm;
using BenchmarkDotNet.Attributes;
using Pipelines.Learning.Compilation;
using Pipelines.Learning.Data;
using Pipelines.Learning.Onnx;
using Pipelines.Learning.Trees;
using Pipelines.OnnxRuntime;

namespace Pipelines.Benchmarks;

/// <summary>
/// One row at a time through a 200-tree, 31-leaf, 20-feature binary model: the interpreted ensemble, the compiled
/// one (the branch-free vector layout where the processor has AVX-512 VBMI, and the emitted branches it falls back
/// to), and ONNX Runtime's single-row run on the same model exported to ONNX (RunWithBinding over input and output
/// tensors bound once). Each invocation scores the same 1,024 rows, so the figures are per row.
/// </summary>
[MemoryDiagnoser]
public class SingleRowPredictionBenchmarks
{
    private const int Rows = 1024;

    private TreeEnsembleModel _model = null!;
    private CompiledTreeEnsemble _compiled = null!;
    private CompiledTreeEnsemble _branching = null!;
    private OnnxModel _onnx = null!;
    private OnnxRowRunner _runner = null!;
    private double[][] _rows = null!;
    private readonly double[] _output = new double[1];

    [GlobalSetup]
    public void Setup()
    {
        var train = SyntheticDataGenerator.Generate(SyntheticTask.Binary, rowCount: 20_000, featureCount: 20, seed: 42);
        _model = LightGbmTrainer.TrainEnsemble(train, new Dictionary<string, string>
        {
            ["objective"] = "binary", ["num_iterations"] = "200", ["num_leaves"] = "31", ["learning_rate"] = "0.05", ["seed"] = "1",
        });
        _compiled = CompiledTreeEnsemble.Compile(_model);
        _branching = CompiledTreeEnsemble.Compile(_model, allowVectorized: false);
        _onnx = OnnxModel.Load(OnnxTreeEnsembleExporter.Export(_model, OnnxOutputKind.Predictions), "benchmark model");
        _runner = _onnx.CreateRowRunner(OnnxTreeEnsembleExporter.InputName, _model.FeatureCount, OnnxTreeEnsembleExporter.ProbabilitiesOutputName, 2);
        var test = SyntheticDataGenerator.Generate(SyntheticTask.Binary, rowCount: Rows, featureCount: 20, seed: 42, skipRows: 20_000);
        _rows = Enumerable.Range(0, Rows).Select(r => test.Row(r).ToArray()).ToArray();

        // The three must score alike, or the comparison means nothing.
        foreach (var row in _rows)
        {
            _model.Predict(row, _output);
            double interpreted = _output[0];
            if (_compiled.PredictSingle(row) != interpreted || _branching.PredictSingle(row) != interpreted
                || Math.Abs(_runner.Run(row)[1] - interpreted) > 1e-5)
                throw new InvalidOperationException("The compiled or ONNX Runtime prediction differs from the interpreted one.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _runner.Dispose();
        _onnx.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Rows)]
    public double Interpreted()
    {
        double sum = 0;
        foreach (var row in _rows)
        {
            _model.Predict(row, _output);
            sum += _output[0];
        }
        return sum;
    }

    [Benchmark(OperationsPerInvoke = Rows)]
    public double Compiled()
    {
        double sum = 0;
        foreach (var row in _rows)
        {
            _compiled.Predict(row, _output);
            sum += _output[0];
        }
        return sum;
    }

    [Benchmark(OperationsPerInvoke = Rows)]
    public double CompiledBranches()
    {
        double sum = 0;
        foreach (var row in _rows)
        {
            _branching.Predict(row, _output);
            sum += _output[0];
        }
        return sum;
    }

    [Benchmark(OperationsPerInvoke = Rows)]
    public double OnnxRuntime()
    {
        double sum = 0;
        foreach (var row in _rows) sum += _runner.Run(row)[1];
        return sum;
    }
}
