using Pipelines.Abstractions;
using Pipelines.Learning.Data;

namespace Pipelines.Steps.Train;

/// <summary>
/// A training table cut by time: the earliest rows to train on, then <see cref="Gap"/> rows left out so labels that
/// look ahead cannot leak, then the latest <see cref="HoldoutRows"/> rows, never trained on, for the metrics.
/// </summary>
internal sealed class TrainingSplit
{
    private TrainingSplit(TrainingTable table, int trainRows, int gap, int holdoutRows)
    {
        Table = table;
        TrainRows = trainRows;
        Gap = gap;
        HoldoutRows = holdoutRows;
        Train = table.Slice(0, trainRows);
        Holdout = table.Slice(table.Rows - holdoutRows, holdoutRows);
    }

    public TrainingTable Table { get; }
    public int TrainRows { get; }
    public int Gap { get; }
    public int HoldoutRows { get; }
    public DenseDataset Train { get; private init; }
    public DenseDataset Holdout { get; }

    /// <summary>The same split training on other rows (e.g. with archived rows mixed in and weighted); the holdout stays as it is.</summary>
    public TrainingSplit WithTrain(DenseDataset train) => new(Table, TrainRows, Gap, HoldoutRows) { Train = train };

    /// <summary>Each holdout row's index in the source table.</summary>
    public int[] HoldoutSourceRows => Table.SourceRows.AsSpan(Table.Rows - HoldoutRows).ToArray();

    /// <summary>Checks the inputs every train step shares, naming the one at fault.</summary>
    public static void CheckInputs(double testFraction, int gap, int folds)
    {
        if (testFraction is <= 0 or >= 1) throw new StepInputException("test_fraction", "must be between 0 and 1 (exclusive)");
        if (gap < 0) throw new StepInputException("gap", "must not be negative");
        if (folds is < 0 or 1) throw new StepInputException("folds", "0 for none, or at least 2");
    }

    /// <summary>Holds out the latest ceil(rows × <paramref name="testFraction"/>) rows; refuses fewer than <paramref name="minimumTrainRows"/> left to train on.</summary>
    public static TrainingSplit ByTime(TrainingTable table, double testFraction, int gap, int minimumTrainRows, string rowsDescription = "training rows")
    {
        var holdoutRows = (int)Math.Ceiling(table.Rows * testFraction);
        var trainRows = table.Rows - holdoutRows - gap;
        if (trainRows < minimumTrainRows)
            throw new StepInputException("input", $"only {trainRows} {rowsDescription} after holding out {holdoutRows} and a gap of {gap}; need at least {minimumTrainRows}");
        return new TrainingSplit(table, trainRows, gap, holdoutRows);
    }
}
