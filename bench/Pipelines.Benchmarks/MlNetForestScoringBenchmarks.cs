using BenchmarkDotNet.Attributes;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;
using Pipelines.Learning.Compilation;
using Pipelines.Learning.Data;
using Pipelines.Learning.Onnx;
using Pipelines.Learning.Trees;
using Pipelines.OnnxRuntime;

namespace Pipelines.Benchmarks;

/// <summary>
/// One row at a time through an ML.NET FastForest (100 trees, 31 leaves, 20 features, Platt-calibrated binary),
/// exported to ONNX the way train/mlnet exports it: ONNX Runtime's single-row run of that graph (float input, bound
/// once) beside our compiled scorer of the same graph read by our ONNX reader. Each invocation scores the same 1,024
/// rows, so the figures are per row.
/// </summary>
[MemoryDiagnoser]
public class MlNetForestScoringBenchmarks
{
    private const int Rows = 1024, Features = 20;

    private CompiledTreeEnsemble _compiled = null!;
    private OnnxModel _onnx = null!;
    private OnnxRowRunner _runner = null!;
    private double[][] _rows = null!;
    private readonly double[] _output = new double[1];

    [GlobalSetup]
    public void Setup()
    {
        var train = SyntheticDataGenerator.Generate(SyntheticTask.Binary, rowCount: 20_000, featureCount: Features, seed: 42);
        var ml = new MLContext(1);
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, Features);
        var data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, train.RowCount)
            .Select(r => new Row { Features = Float(train.Row(r)), Label = train.RequireLabels()[r] >= 0.5 }).ToList(), schema);
        var forest = ml.BinaryClassification.Trainers.FastForest(new FastForestBinaryTrainer.Options
        {
            NumberOfTrees = 100, NumberOfLeaves = 31, NumberOfThreads = 1, Seed = 1,
        }).Fit(data);
        var model = new TransformerChain<ITransformer>(forest, ml.BinaryClassification.Calibrators.Platt().Fit(forest.Transform(data)));
        using var stream = new MemoryStream();
        ml.Model.ConvertToOnnx(model, ml.Data.LoadFromEnumerable(new List<Row>(), schema), stream, "Probability");
        var onnx = OnnxGraphPruning.KeepOutput(stream.ToArray(), "Probability.output");

        _compiled = CompiledTreeEnsemble.Compile(OnnxTreeEnsembleReader.Read(onnx));
        _onnx = OnnxModel.Load(onnx, "ML.NET FastForest");
        _runner = _onnx.CreateRowRunner("Features", Features, "Probability.output", 1);
        var test = SyntheticDataGenerator.Generate(SyntheticTask.Binary, rowCount: Rows, featureCount: Features, seed: 42, skipRows: 20_000);
        // Float-representable rows: both engines then see the same values.
        _rows = Enumerable.Range(0, Rows).Select(r => Float(test.Row(r)).Select(v => (double)v).ToArray()).ToArray();
        foreach (var row in _rows)
        {
            if (Math.Abs(_compiled.PredictSingle(row) - _runner.Run(row)[0]) > 1e-5)
                throw new InvalidOperationException("The compiled and ONNX Runtime predictions of the forest differ.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _runner.Dispose();
        _onnx.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Rows)]
    public double OnnxRuntime()
    {
        double sum = 0;
        foreach (var row in _rows) sum += _runner.Run(row)[0];
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

    private static float[] Float(ReadOnlySpan<double> row)
    {
        var values = new float[row.Length];
        for (var i = 0; i < row.Length; i++) values[i] = (float)row[i];
        return values;
    }

    private sealed class Row
    {
        public float[] Features { get; set; } = [];
        public bool Label { get; set; }
    }
}
