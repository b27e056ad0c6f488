using System.Globalization;
using Pipelines.Abstractions;

namespace Pipelines.Steps.Augment;

public sealed record SmoteInputs : ICheckedInputs
{
    [Input("Table in time order, as a train step reads it.")]
    public required Artifact Input { get; init; }

    [Input("Class label column of the train step: rows with an empty label are not training rows, as there.")]
    public required string Target { get; init; }

    [Input("Columns interpolated between a row and its neighbour, and measured for the neighbours; by default every numeric column but the target, those excluded and booleans. Other columns are copied from the row.")]
    public IReadOnlyList<string>? Features { get; init; }

    [Input("Columns never interpolated (times, ids): copied from the row a synthetic row comes from.")]
    public IReadOnlyList<string> Exclude { get; init; } = [];

    [Input("Classes to over-sample, by their label; by default every class with fewer training rows than the largest.", Example = "[\"1\"]")]
    public IReadOnlyList<string>? Classes { get; init; }

    [Input("Nearest neighbours within the class a synthetic row may lie towards.")]
    public int K { get; init; } = 5;

    [Input("Each over-sampled class grows to this fraction of the largest class's training rows (never shrinks).")]
    public double Ratio { get; init; } = 1.0;

    [Input("Seed of the neighbour and gap draws: the same seed and table give the same rows.")]
    public int Seed { get; init; } = 1;

    [Input("The train step's test_fraction: its holdout rows are neither used nor moved.")]
    public double TestFraction { get; init; } = 0.2;

    [Input("The train step's gap: those rows before the holdout are not used either.")]
    public int Gap { get; init; }

    public IEnumerable<InputProblem> Problems()
    {
        if (K < 1) yield return new InputProblem("k", Text($"must be at least 1, got {K}"));
        if (!(Ratio > 0) || double.IsInfinity(Ratio)) yield return new InputProblem("ratio", Text($"must be a finite number above 0, got {Ratio}"));
        if (TestFraction is <= 0 or >= 1) yield return new InputProblem("test_fraction", Text($"must be between 0 and 1 (exclusive), got {TestFraction}"));
        if (Gap < 0) yield return new InputProblem("gap", Text($"must not be negative, got {Gap}"));
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
