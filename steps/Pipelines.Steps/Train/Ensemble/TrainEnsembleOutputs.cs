using Pipelines.Abstractions;

namespace Pipelines.Steps.Train.Ensemble;

public sealed record TrainEnsembleOutputs
{
    [Output("The ensemble manifest (JSON): its kind, weights, meta-learner or routing, and every model file it needs by SHA-256; register it as one version.")]
    public required Artifact Model { get; init; }

    [Output("Holdout metrics, members, kind and row counts (JSON), as every train step writes them.")]
    public required Artifact Metrics { get; init; }

    [Output("The holdout rows' labels and the ensemble's predictions (Parquet), for gates and significance tests.")]
    public required Artifact Holdout { get; init; }

    [Output("The ensemble's out-of-sample predictions (Parquet, the holdout block), in the layout of the train steps' out_of_sample.")]
    public required Artifact OutOfSample { get; init; }

    [Output("stacking: the meta-learner's model file the manifest names by hash (train/linear's JSON, or LightGBM's model.txt for meta: gbdt); an output so the store keeps it findable wherever the ensemble is loaded; absent for other kinds.")]
    public Artifact? MetaModel { get; init; }

    [Output("stacking: what the meta-learner learned from (Parquet): source_row, fold, label and each member's out-of-fold prediction on the link scale (a column per member), or a multiclass member's class probabilities (member_p0, member_p1, ...); absent for other kinds.")]
    public Artifact? MetaTraining { get; init; }

    [Output("The ensemble's feature columns, in its order.")]
    public required IReadOnlyList<string> Features { get; init; }

    [Output("The member names, in manifest order.")]
    public required IReadOnlyList<string> Members { get; init; }

    [Output("The headline holdout score: AUC (binary), accuracy (multiclass) or RMSE (regression).")]
    public required double Score { get; init; }
}
