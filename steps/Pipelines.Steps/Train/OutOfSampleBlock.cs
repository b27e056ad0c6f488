namespace Pipelines.Steps.Train;

/// <summary>
/// Rows predicted by a model fitted only on rows before them: one walk-forward fold's test block, or the holdout.
/// <see cref="Rows"/> index the training table (not the source file); <see cref="Predictions"/> holds the model's
/// outputs row after row.
/// </summary>
internal sealed record OutOfSampleBlock(int Fold, string Part, int[] Rows, double[] Labels, double[] Predictions)
{
    public const string WalkForward = "walk_forward";
    public const string Holdout = "holdout";
}
