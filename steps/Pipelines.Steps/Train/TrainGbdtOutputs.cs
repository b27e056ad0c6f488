using Pipelines.Abstractions;

namespace Pipelines.Steps.Train;

public sealed record TrainGbdtOutputs
{
    [Output("The model, in LightGBM's model.txt format.")]
    public required Artifact Model { get; init; }

    [Output("Holdout (and walk-forward) metrics, hyperparameters, classes, row counts, training-data hash (JSON).")]
    public required Artifact Metrics { get; init; }

    [Output("Split-count and gain importance per feature (JSON).")]
    public required Artifact Importance { get; init; }

    [Output("The holdout rows' labels and predictions (Parquet), for gates and significance tests.")]
    public required Artifact Holdout { get; init; }

    [Output("Every out-of-sample prediction (Parquet): each walk-forward fold's test rows predicted by the model fitted on the rows before them, then the holdout, with source_row, fold (1.. in time order, the holdout last), part (walk_forward or holdout), label and predictions; what backtest/signal trades fold by fold.")]
    public required Artifact OutOfSample { get; init; }

    [Output("Feature columns, in model order.")]
    public required IReadOnlyList<string> Features { get; init; }

    [Output("The headline holdout score: AUC (binary), accuracy (multiclass) or RMSE (regression).")]
    public required double Score { get; init; }

    [Output("Every tuning trial: parameters, fold scores, state and value (JSON); absent without tune.")]
    public Artifact? Tuning { get; init; }

    [Output("The best trial's parameters by LightGBM's names; empty without tune.")]
    public IReadOnlyDictionary<string, string> BestParams { get; init; } = new Dictionary<string, string>();

    [Output("The best trial's cross-validated score on the tuning metric; absent without tune.")]
    public double? BestScore { get; init; }

    [Output("Archived events whose rows were mixed into training; empty without archive.")]
    public IReadOnlyList<string> ArchiveEvents { get; init; } = [];

    [Output("Archived rows learned from with the archive's weight (added, or already among the training rows); 0 without archive.")]
    public int ArchiveRows { get; init; }

    [Output("The champion's replayed error rows learned from with the replay's weight; 0 without replay.")]
    public int ReplayRows { get; init; }
}
