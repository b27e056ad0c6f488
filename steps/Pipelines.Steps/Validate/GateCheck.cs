namespace Pipelines.Steps.Validate;

/// <summary>
/// How one requirement of a gate came out. A threshold fills <see cref="Value"/>, <see cref="Min"/> and
/// <see cref="Max"/>; a comparison fills <see cref="Beats"/> and, when there was a version to beat, the figures of
/// both models on the same holdout rows and the paired bootstrap's verdict — so a reader (the run report, a
/// reviewer) can show why without scoring anything again.
/// </summary>
public sealed record GateCheck
{
    public required string Metric { get; init; }

    public required bool Passed { get; init; }

    /// <summary>Threshold: the candidate's value in the judged section.</summary>
    public double? Value { get; init; }

    public double? Min { get; init; }

    public double? Max { get; init; }

    /// <summary>Per-group threshold: the column the holdout rows were grouped by, e.g. regime_next.</summary>
    public string? By { get; init; }

    /// <summary>Per-group threshold: the group's value of that column; <see cref="Rows"/> holds its holdout rows.</summary>
    public string? Group { get; init; }

    /// <summary>Comparison: the alias or version the candidate had to beat, e.g. champion.</summary>
    public string? Beats { get; init; }

    /// <summary>Comparison: the registered model whose version <see cref="Beats"/> names.</summary>
    public string? Model { get; init; }

    /// <summary>Comparison: the version that was beaten or not; null when the registry named none yet.</summary>
    public int? RivalVersion { get; init; }

    public string? RivalSha256 { get; init; }

    /// <summary>Comparison: the metric of the candidate and of the rival on the same holdout rows.</summary>
    public double? CandidateValue { get; init; }

    public double? RivalValue { get; init; }

    /// <summary>Comparison: how many holdout rows both models were scored on; per-group threshold: the group's holdout rows.</summary>
    public int? Rows { get; init; }

    /// <summary>Comparison: mean per-row gain of the candidate, positive when it is better whichever way the metric points.</summary>
    public double? Improvement { get; init; }

    /// <summary>Comparison: the paired bootstrap's one-sided lower bound of <see cref="Improvement"/> at <see cref="Confidence"/>.</summary>
    public double? LowerBound { get; init; }

    public double? PValue { get; init; }

    /// <summary>Comparison: the gain both the improvement and its lower bound had to exceed.</summary>
    public double? Margin { get; init; }

    public double? Confidence { get; init; }

    public int? Resamples { get; init; }

    public int? Seed { get; init; }

    /// <summary>Comparison: the readable line the gate logged and output, the one `models show` prints.</summary>
    public string? Reason { get; init; }
}
