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

    /// <summary>
    /// Holds out the latest ceil(rows × <paramref name="testFraction"/>) rows; refuses fewer than <paramref name="minimumTrainRows"/> left to train on.
    /// In an augmented table only real rows count: the holdout and the gap are the latest real rows, and a synthetic
    /// row among or after them is refused, since a model would then be scored on rows it was made to learn from.
    /// </summary>
    public static TrainingSplit ByTime(TrainingTable table, double testFraction, int gap, int minimumTrainRows, string rowsDescription = "training rows")
    {
        var realRows = table.Synthetic?.Count(s => !s) ?? table.Rows;
        var holdoutRows = (int)Math.Ceiling(realRows * testFraction);
        var realTrainRows = realRows - holdoutRows - gap;
        if (realTrainRows < minimumTrainRows)
            throw new StepInputException("input", $"only {realTrainRows} {rowsDescription} after holding out {holdoutRows} and a gap of {gap}; need at least {minimumTrainRows}");
        if (table.Synthetic is not { } synthetic) return new TrainingSplit(table, realTrainRows, gap, holdoutRows);

        // Training ends just before the first real row of the gap (or of the holdout when there is no gap).
        var trainRows = table.Rows - holdoutRows - gap;
        for (var row = table.Rows - 1; row >= trainRows; row--)
        {
            if (synthetic[row])
                throw new StepInputException("input", $"synthetic row {row} (source row {table.SourceRows[row]}) lies in the latest {holdoutRows + gap} real rows this step holds out or leaves as its gap; augment with the same test_fraction and gap as the train step");
        }
        return new TrainingSplit(table, trainRows, gap, holdoutRows);
    }

    /// <summary>Whether the training rows hold rows an augmentation step made.</summary>
    public bool HasSynthetic => Table.Synthetic?.Any(s => s) ?? false;

    /// <summary>
    /// The rows of <paramref name="rows"/> (indices into <see cref="Train"/>) that validation may score: synthetic rows
    /// only ever train. Rows past the table (archived or replayed rows mixed in) are real.
    /// </summary>
    public int[] Scored(int[] rows) => Table.Synthetic is not { } synthetic ? rows : rows.Where(r => r >= Table.Rows || !synthetic[r]).ToArray();
}
