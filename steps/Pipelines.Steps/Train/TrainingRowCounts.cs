namespace Pipelines.Steps.Train;

/// <summary>How the table's rows were used: trained on, left out as a gap, held out, or dropped before anything.</summary>
public sealed record TrainingRowCounts
{
    public required int Train { get; init; }

    /// <summary>The latest training rows set aside to watch for early stopping (GBDT only); part of <see cref="Train"/>'s span, not trained on.</summary>
    public int? Validation { get; init; }

    public required int Gap { get; init; }
    public required int Holdout { get; init; }

    /// <summary>Rows without a label, and for learners that cannot take missing values, rows with one.</summary>
    public int Dropped { get; init; }
}
