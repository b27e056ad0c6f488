using Pipelines.Abstractions;

namespace Pipelines.Steps.Train;

/// <summary>
/// The replay: input of a train step: the champion's recent mistakes in shadow (misclassified rows, or the rows of
/// its largest errors), taken back from the tables the shadow comparisons replayed and learned from with a weight.
/// </summary>
public sealed record ErrorReplay
{
    [Input("Registered model whose champion's shadow decisions are searched for errors.", Example = "toxicity")]
    public required string Model { get; init; }

    [Input("Alias (or version number) of the version whose errors are replayed.")]
    public string Alias { get; init; } = "champion";

    [Input("How much a replayed row counts in training; a training row counts 1.")]
    public double Weight { get; init; } = 2.0;

    [Input("Most rows replayed: the newest misclassified rows, or the largest errors of a regression.")]
    public int MaxRows { get; init; } = 1000;

    [Input("Only decisions recorded within this long before the newest recorded decision, e.g. 7d; none: all of them.")]
    public TimeSpan? Since { get; init; }

    [Input("Time column of the training table and the replayed tables: a replayed row at a training row's time weights that row instead of repeating it, and one at or after the holdout's first row is left out.")]
    public string TimeColumn { get; init; } = "open_time";
}
