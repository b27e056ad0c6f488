using Pipelines.Abstractions;

namespace Pipelines.Steps.Monitor;

/// <summary>One check's statistics; a value is null where it does not apply (log loss of a regressor) or has too few rows.</summary>
public sealed record PerformanceMetrics
{
    [Output("classifier or regressor, from the model's training objective.")]
    public required string Task { get; init; }

    [Output("Classifier: share of decisions whose thresholded probability matched the label.")]
    public double? Accuracy { get; init; }

    [Output("Classifier: mean binary cross-entropy, probabilities clipped to [1e-15, 1 - 1e-15].")]
    public double? LogLoss { get; init; }

    [Output("Regressor: mean absolute error against the label.")]
    public double? Mae { get; init; }

    [Output("Regressor: root mean squared error against the label.")]
    public double? Rmse { get; init; }

    [Output("Share of decisions whose signal had the sign of the realised return (flat ones left out).")]
    public double? WinRate { get; init; }

    [Output("Lower bound of the win rate's Wilson interval.")]
    public double? WinRateLower { get; init; }

    [Output("Upper bound of the win rate's Wilson interval.")]
    public double? WinRateUpper { get; init; }

    [Output("Classifier: expected calibration error over equal-width probability bins.")]
    public double? CalibrationError { get; init; }

    [Output("Share of decisions with a long signal.")]
    public double? LongShare { get; init; }

    [Output("Share of decisions with a short signal.")]
    public double? ShortShare { get; init; }

    [Output("Share of decisions whose realised return was up.")]
    public double? UpShare { get; init; }

    [Output("long_share - up_share: how much more often the model went long than the market rose.")]
    public double? DirectionalBias { get; init; }

    [Output("Annualised Sharpe of signal × realised return.")]
    public double? Sharpe { get; init; }
}
