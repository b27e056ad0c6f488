namespace Pipelines.Learning.Drift;

/// <summary>
/// Score boundaries for <see cref="DriftSeverity"/>: a score at or above <c>Critical</c> is critical, else at or
/// above <c>High</c> is high, else at or above <c>Medium</c> is medium, else low. Higher scores mean more drift.
/// </summary>
public sealed record DriftSeverityThresholds
{
    public DriftSeverityThresholds(double medium, double high, double critical)
    {
        if (!double.IsFinite(medium) || medium < 0.0)
            throw new ArgumentOutOfRangeException(nameof(medium), medium, "must be a finite non-negative score");
        if (!double.IsFinite(high) || high < medium)
            throw new ArgumentOutOfRangeException(nameof(high), high, $"must be finite and at least medium ({medium})");
        if (!double.IsFinite(critical) || critical < high)
            throw new ArgumentOutOfRangeException(nameof(critical), critical, $"must be finite and at least high ({high})");
        Medium = medium;
        High = high;
        Critical = critical;
    }

    /// <summary>
    /// PSI: 0.1 is the customary "moderate shift" mark, 0.2 the project's drift threshold, and 0.25 (a 25 %
    /// distribution shift) the level at which retraining is considered urgent.
    /// </summary>
    public static DriftSeverityThresholds Psi { get; } = new(0.1, 0.2, 0.25);

    /// <summary>
    /// KS statistic D (largest CDF gap): the same 10 % / 20 % / 25 % shift marks, read as a share of probability
    /// mass displaced.
    /// </summary>
    public static DriftSeverityThresholds KolmogorovSmirnovStatistic { get; } = new(0.1, 0.2, 0.25);

    /// <summary>Default significance below which a KS difference counts as real rather than sampling noise.</summary>
    public const double DefaultSignificance = 0.05;

    public double Medium { get; }

    public double High { get; }

    public double Critical { get; }

    public DriftSeverity Classify(double score)
    {
        if (double.IsNaN(score))
            throw new ArgumentException("must not be NaN", nameof(score));
        if (score >= Critical)
            return DriftSeverity.Critical;
        if (score >= High)
            return DriftSeverity.High;
        return score >= Medium ? DriftSeverity.Medium : DriftSeverity.Low;
    }

    /// <summary>
    /// Severity of a KS result: Low when the difference is not significant (p-value at or above
    /// <paramref name="significance"/>), otherwise graded by the statistic D.
    /// </summary>
    public DriftSeverity Classify(KolmogorovSmirnovResult result, double significance = DefaultSignificance)
    {
        if (!(significance > 0.0 && significance < 1.0))
            throw new ArgumentOutOfRangeException(nameof(significance), significance, "must lie in (0, 1)");
        return result.PValue >= significance ? DriftSeverity.Low : Classify(result.Statistic);
    }
}
