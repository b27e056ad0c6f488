using System.Globalization;
using Pipelines.Abstractions;

namespace Pipelines.Steps.Augment;

public sealed record BlockBootstrapInputs : ICheckedInputs
{
    [Input("Table in time order, as a train step reads it.")]
    public required Artifact Input { get; init; }

    [Input("Label column of the train step: rows with an empty label are not training rows, as there.")]
    public required string Target { get; init; }

    [Input("Rows per block; blocks of consecutive training rows keep their dependence up to this lag.", Example = "30")]
    public required int BlockLength { get; init; }

    [Input("Synthetic rows to draw; by default as many as there are training rows.")]
    public int? Count { get; init; }

    [Input("Seed of the block draws: the same seed and table give the same rows.")]
    public int Seed { get; init; } = 1;

    [Input("The train step's test_fraction: its holdout rows are neither resampled nor moved.")]
    public double TestFraction { get; init; } = 0.2;

    [Input("The train step's gap: those rows before the holdout are not resampled either.")]
    public int Gap { get; init; }

    public IEnumerable<InputProblem> Problems()
    {
        if (BlockLength < 1) yield return new InputProblem("block_length", Text($"must be at least 1 row, got {BlockLength}"));
        if (Count is < 0) yield return new InputProblem("count", Text($"must not be negative, got {Count}"));
        if (TestFraction is <= 0 or >= 1) yield return new InputProblem("test_fraction", Text($"must be between 0 and 1 (exclusive), got {TestFraction}"));
        if (Gap < 0) yield return new InputProblem("gap", Text($"must not be negative, got {Gap}"));
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
