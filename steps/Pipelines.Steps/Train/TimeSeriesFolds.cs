using Pipelines.Abstractions;
using Pipelines.Learning.Validation;

namespace Pipelines.Steps.Train;

/// <summary>The cross-validation folds of training rows in time order that tuning and feature selection score on.</summary>
internal static class TimeSeriesFolds
{
    /// <summary>Folds over <paramref name="rows"/> rows keeping <paramref name="gap"/> rows between training and test; a misfit names <paramref name="input"/>.</summary>
    public static IReadOnlyList<Fold> Split(TuningScheme scheme, int folds, int rows, int gap, string input)
    {
        try
        {
            if (scheme == TuningScheme.WalkForward) return new ExpandingWindowSplitter(folds, 0, gap).Split(rows);
            // Row i's label looks ahead up to gap rows: it spans [i, i + gap], and as much is embargoed after each test block.
            var starts = new long[rows];
            var ends = new long[rows];
            for (var i = 0; i < rows; i++)
            {
                starts[i] = i;
                ends[i] = i + gap;
            }
            return new PurgedKFoldSplitter(folds, gap).Split(starts, ends);
        }
        catch (ArgumentException e)
        {
            throw new StepInputException(input, $"{folds} folds do not fit {rows} training rows with a gap of {gap}: {e.Message}");
        }
    }
}
