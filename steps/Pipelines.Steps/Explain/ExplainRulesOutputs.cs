using Pipelines.Abstractions;

namespace Pipelines.Steps.Explain;

public sealed record ExplainRulesOutputs
{
    [Output("Every rule as YAML: its conditions, class, fitting rows and precision, holdout rows and precision, and whether it was kept.")]
    public required Artifact Rules { get; init; }

    [Output("The rules as Markdown for a person: the kept ones first, then the ones the holdout did not bear out.")]
    public required Artifact Markdown { get; init; }

    [Output("The kept rules' text, e.g. \"IF natr_30 > 0.0041 AND roc_5 <= -0.0012 THEN HIGH — 412 rows, precision 0.71 on holdout (90 rows)\".")]
    public required IReadOnlyList<string> Kept { get; init; }

    [Output("Rules the tree gave before the holdout check.")]
    public required int Found { get; init; }
}
