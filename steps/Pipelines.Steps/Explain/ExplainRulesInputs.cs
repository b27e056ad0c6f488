using System.Globalization;
using Pipelines.Abstractions;

namespace Pipelines.Steps.Explain;

public sealed record ExplainRulesInputs : ICheckedInputs
{
    [Input("The table the model was trained on: its features and target, as the train step read them.", Example = "${{ steps.labels.outputs.table }}")]
    public required Artifact Data { get; init; }

    [Input("Metrics JSON of the train step: the target, features (in model order) and classes.", Example = "${{ steps.train.outputs.metrics }}")]
    public required Artifact Metrics { get; init; }

    [Input("Holdout table of the train step (source_row, label, predictions): rules are checked on these rows, which neither the model nor the rule tree saw. A model with no holdout cannot be explained by rules.",
        Example = "${{ steps.train.outputs.holdout }}")]
    public required Artifact Holdout { get; init; }

    [Input("Out-of-sample table of the train step (out_of_sample); needed with fit_to: predictions, whose tree is fitted on the walk-forward folds' predictions.",
        Example = "${{ steps.train.outputs.out_of_sample }}")]
    public Artifact? OutOfSample { get; init; }

    [Input("What the tree imitates: labels (the rows before the holdout, by their labels) or predictions (the model's predicted class on its walk-forward folds, checked against its holdout predictions).")]
    public RulesTarget FitTo { get; init; } = RulesTarget.Labels;

    [Input("Depth of the tree: the most conditions a rule has (1 to 8).")]
    public int MaxDepth { get; init; } = 3;

    [Input("Fewest fitting rows a leaf (so a rule) may rest on.")]
    public int MinDataInLeaf { get; init; } = 100;

    [Input("Keep a rule only if this share of the holdout rows it selects hold its class.")]
    public double MinHoldoutPrecision { get; init; } = 0.6;

    [Input("Keep a rule only if it selects at least this many holdout rows.")]
    public int MinHoldoutRows { get; init; } = 30;

    [Input("Seed of LightGBM.")]
    public int Seed { get; init; } = 1;

    public IEnumerable<InputProblem> Problems()
    {
        if (MaxDepth is < 1 or > 8) yield return new InputProblem("max_depth", Text($"must be 1 to 8 (conditions a rule has), got {MaxDepth}"));
        if (MinDataInLeaf < 1) yield return new InputProblem("min_data_in_leaf", Text($"must be at least 1, got {MinDataInLeaf}"));
        if (!(MinHoldoutPrecision > 0 && MinHoldoutPrecision <= 1)) yield return new InputProblem("min_holdout_precision", Text($"must lie in (0, 1], got {MinHoldoutPrecision}"));
        if (MinHoldoutRows < 1) yield return new InputProblem("min_holdout_rows", Text($"must be at least 1, got {MinHoldoutRows}"));
        if (FitTo == RulesTarget.Predictions && OutOfSample is null)
            yield return new InputProblem("fit_to", "predictions needs out_of_sample (the train step's out_of_sample, trained with folds)", "out_of_sample");
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
