using Microsoft.ML;
using Microsoft.ML.Data;
using Pipelines.Learning.Data;

namespace Pipelines.Steps.Train.MlNet;

/// <summary>
/// Our rows as ML.NET data views: one float vector column "Features" (ML.NET computes in float; values are rounded
/// to float here once) and, for supervised tasks, a "Label" column of the type each ML.NET task expects — bool for
/// binary, float for regression, a key over the classes for multiclass (key value = class index + 1, ML.NET's 0 being missing).
/// </summary>
internal static class MlNetData
{
    public const string FeaturesColumn = "Features";
    public const string LabelColumn = "Label";

    public static IDataView Features(MLContext ml, DenseDataset rows)
    {
        var schema = SchemaDefinition.Create(typeof(FeatureRow));
        schema[FeaturesColumn].ColumnType = new VectorDataViewType(NumberDataViewType.Single, rows.FeatureCount);
        return ml.Data.LoadFromEnumerable(Enumerable.Range(0, rows.RowCount).Select(r => new FeatureRow { Features = ToFloat(rows.Row(r)) }).ToList(), schema);
    }

    public static IDataView Labelled(MLContext ml, DenseDataset rows, ModelTask task, int classes)
    {
        var labels = rows.RequireLabels();
        var features = Enumerable.Range(0, rows.RowCount).Select(r => ToFloat(rows.Row(r))).ToList();
        switch (task)
        {
            case ModelTask.Binary:
            {
                var schema = Schema<BinaryRow>(rows.FeatureCount);
                return ml.Data.LoadFromEnumerable(features.Select((f, r) => new BinaryRow { Features = f, Label = labels[r] >= 0.5 }).ToList(), schema);
            }
            case ModelTask.Multiclass:
            {
                var schema = Schema<ClassRow>(rows.FeatureCount);
                schema[LabelColumn].ColumnType = new KeyDataViewType(typeof(uint), classes);
                return ml.Data.LoadFromEnumerable(features.Select((f, r) => new ClassRow { Features = f, Label = (uint)labels[r] + 1 }).ToList(), schema);
            }
            default:
            {
                var schema = Schema<RegressionRow>(rows.FeatureCount);
                return ml.Data.LoadFromEnumerable(features.Select((f, r) => new RegressionRow { Features = f, Label = (float)labels[r] }).ToList(), schema);
            }
        }
    }

    private static SchemaDefinition Schema<T>(int featureCount)
    {
        var schema = SchemaDefinition.Create(typeof(T));
        schema[FeaturesColumn].ColumnType = new VectorDataViewType(NumberDataViewType.Single, featureCount);
        return schema;
    }

    private static float[] ToFloat(ReadOnlySpan<double> row)
    {
        var values = new float[row.Length];
        for (var i = 0; i < row.Length; i++) values[i] = (float)row[i];
        return values;
    }

    private sealed class FeatureRow
    {
        public float[] Features { get; set; } = [];
    }

    private sealed class BinaryRow
    {
        public float[] Features { get; set; } = [];
        public bool Label { get; set; }
    }

    private sealed class RegressionRow
    {
        public float[] Features { get; set; } = [];
        public float Label { get; set; }
    }

    private sealed class ClassRow
    {
        public float[] Features { get; set; } = [];
        public uint Label { get; set; }
    }
}
