using DuckDB.NET.Data;
using Pipelines.Abstractions;
using Pipelines.Steps.Tables;

namespace Pipelines.Steps.Train.Ensemble;

/// <summary>
/// One member's out_of_sample table (a train step's output) as stacking reads it: the walk-forward rows first — each
/// predicted by a model fitted only on rows before its fold — then the holdout rows, predicted by the final model.
/// <see cref="Predictions"/> holds <see cref="Outputs"/> values per row: the prediction, or a multiclass member's
/// class probabilities (its p0, p1, ... columns).
/// </summary>
internal sealed record OutOfFold(string Member, int[] SourceRows, int[] Folds, double[] Labels, double[] Predictions, int WalkForwardRows, int Outputs = 1)
{
    public int[] HoldoutSourceRows => SourceRows[WalkForwardRows..];

    public static OutOfFold Read(DuckDBConnection connection, IStepContext context, string member, Artifact outOfSample, bool requireWalkForward = true)
    {
        var path = context.OpenArtifact(outOfSample);
        var columns = TableReader.Describe(connection, path).Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        // One prediction column, or one probability column per class (p0, p1, ...) for a multiclass member.
        var classes = 0;
        while (columns.Contains($"p{classes}")) classes++;
        string[] predicted = columns.Contains("prediction") || classes < 2 ? ["prediction"] : Enumerable.Range(0, classes).Select(c => $"p{c}").ToArray();
        string[] needed = ["source_row", "fold", "part", "label", .. predicted];
        if (needed.FirstOrDefault(c => !columns.Contains(c)) is { } missing)
            throw new StepInputException($"members.{member}.out_of_sample",
                $"member '{member}': the table has no column '{missing}'; give the out_of_sample output of the step that trained it");
        var width = 3 + predicted.Length;
        var values = TableReader.ReadNumeric(connection, path, ["source_row", "fold", "label", .. predicted], out var rows);
        var parts = TableReader.ReadText(connection, path, "part");
        var walkForward = parts.Count(p => p == OutOfSampleBlock.WalkForward);
        if (walkForward == 0 && requireWalkForward)
            throw new StepInputException($"members.{member}.out_of_sample",
                $"member '{member}' has no walk-forward predictions to learn from; train it with folds: 2 or more");
        for (var r = 0; r < rows; r++)
        {
            if ((parts[r] == OutOfSampleBlock.WalkForward) != (r < walkForward))
                throw new StepInputException($"members.{member}.out_of_sample", $"member '{member}': walk-forward and holdout rows are interleaved; this is not a train step's out_of_sample");
        }
        return new OutOfFold(member,
            Enumerable.Range(0, rows).Select(r => (int)values[r * width]).ToArray(),
            Enumerable.Range(0, rows).Select(r => (int)values[r * width + 1]).ToArray(),
            Enumerable.Range(0, rows).Select(r => values[r * width + 2]).ToArray(),
            Enumerable.Range(0, rows).SelectMany(r => values.AsSpan(r * width + 3, predicted.Length).ToArray()).ToArray(),
            walkForward, predicted.Length);
    }

    /// <summary>Stacking lines members' predictions up row by row: every member must have predicted the same rows in the same folds.</summary>
    public static void RequireSameRows(IReadOnlyList<OutOfFold> blocks)
    {
        var first = blocks[0];
        foreach (var other in blocks.Skip(1))
        {
            if (other.WalkForwardRows != first.WalkForwardRows || !other.SourceRows.SequenceEqual(first.SourceRows) || !other.Folds.SequenceEqual(first.Folds))
                throw new StepInputException($"members.{other.Member}.out_of_sample",
                    $"member '{other.Member}' predicted other out-of-fold rows ({other.WalkForwardRows} walk-forward, {other.SourceRows.Length - other.WalkForwardRows} holdout) than member '{first.Member}' ({first.WalkForwardRows}, {first.SourceRows.Length - first.WalkForwardRows}); train the members on the same table with the same test_fraction, gap and folds");
        }
    }
}
