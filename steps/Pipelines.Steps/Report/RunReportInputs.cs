using Pipelines.Abstractions;

namespace Pipelines.Steps.Report;

public sealed record RunReportInputs
{
    [Input("Report title.")]
    public required string Title { get; init; }

    [Input("Metrics JSON from a train step.")]
    public required Artifact Metrics { get; init; }

    [Input("Holdout predictions table from the same train step (label and predictions).")]
    public required Artifact Holdout { get; init; }

    [Input("Metrics JSON from backtest/signal, when the pipeline backtests the model: the report then shows its figures beside buy-and-hold with their intervals and samples, every fold, the equity and drawdown curves and the returns table. Without it the report shows no trading result: it does not make one up.",
        Example = "${{ steps.backtest.outputs.metrics }}")]
    public Artifact? Backtest { get; init; }

    [Input("Curves JSON from the same backtest/signal step; required with backtest.", Example = "${{ steps.backtest.outputs.curves }}")]
    public Artifact? BacktestCurves { get; init; }

    [Input("Returns table from the same backtest/signal step; required with backtest.", Example = "${{ steps.backtest.outputs.returns }}")]
    public Artifact? BacktestReturns { get; init; }

    [Input("Correlations table from report/features; optional. Shown as a section: each feature's Pearson and Spearman correlation with forward returns, overall and per group.",
        Example = "${{ steps.features-report.outputs.table }}")]
    public Artifact? FeatureCorrelations { get; init; }

    [Input("Drift report JSON from drift/check; optional.")]
    public Artifact? Drift { get; init; }

    [Input("Global SHAP JSON from explain/shap; optional.")]
    public Artifact? Shap { get; init; }

    [Input("Gate report JSON from validate/gate; optional. A beats: comparison is shown with both models' values, the margin and the confidence bound the gate decided on.")]
    public Artifact? Gate { get; init; }
}
