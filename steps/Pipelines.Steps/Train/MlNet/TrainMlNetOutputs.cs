using Pipelines.Abstractions;

namespace Pipelines.Steps.Train.MlNet;

public sealed record TrainMlNetOutputs
{
    [Output("The model as ONNX: ML.NET's converter's graph (a GAM as our TreeEnsemble graph), with its features, output and task in the metadata.")]
    public required Artifact Model { get; init; }

    [Output("Holdout (and walk-forward) metrics, options, classes, row counts, training-data hash (JSON).")]
    public required Artifact Metrics { get; init; }

    [Output("Feature weights per feature as ML.NET reports them (gain for trees, |coefficient| for linear models, shape-function range for GAM); empty for kmeans (JSON).")]
    public required Artifact Importance { get; init; }

    [Output("The holdout rows' labels and ML.NET's predictions (Parquet), for gates and significance tests.")]
    public required Artifact Holdout { get; init; }

    [Output("Every out-of-sample prediction (Parquet), as train/gbdt writes it: each walk-forward fold's test rows predicted by the model fitted on the rows before them, then the holdout, with source_row, fold, part, label and ML.NET's predictions; what train/ensemble's stacking learns from. Absent for kmeans.")]
    public Artifact? OutOfSample { get; init; }

    [Output("Feature columns, in model order.")]
    public required IReadOnlyList<string> Features { get; init; }

    [Output("The headline holdout score: AUC (binary), accuracy (multiclass), RMSE (regression) or the mean distance to the nearest centroid (kmeans).")]
    public required double Score { get; init; }
}
