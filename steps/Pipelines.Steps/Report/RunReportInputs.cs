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

    [Input("The table the model was trained on, to align returns for the equity curve.")]
    public Artifact? Data { get; init; }

    [Input("Column of Data holding each row's forward return; with it the report draws the signal's equity curve.")]
    public string? ReturnsColumn { get; init; }

    [Input("For the equity curve of a classifier: the class whose predicted probability sets the position (long when above 1/classes).")]
    public int SignalClass { get; init; } = 1;

    [Input("Periods per year of the returns, to annualise Sharpe and return.")]
    public double PeriodsPerYear { get; init; } = 525_600;

    [Input("Drift report JSON from drift/check; optional.")]
    public Artifact? Drift { get; init; }

    [Input("Global SHAP JSON from explain/shap; optional.")]
    public Artifact? Shap { get; init; }

    [Input("Gate report JSON from validate/gate; optional. A beats: comparison is shown with both models' values, the margin and the confidence bound the gate decided on.")]
    public Artifact? Gate { get; init; }
}
