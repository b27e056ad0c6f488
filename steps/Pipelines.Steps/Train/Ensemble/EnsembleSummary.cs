namespace Pipelines.Steps.Train.Ensemble;

/// <summary>What an ensemble is made of, as its metrics record it for people (<c>models show</c>, reports).</summary>
public sealed record EnsembleSummary
{
    public required EnsembleKind Kind { get; init; }

    /// <summary>Each member: its name, model file hash and, when it was a registered version, which.</summary>
    public required IReadOnlyList<EnsembleMemberSummary> Members { get; init; }

    /// <summary>average: the normalised weight per member.</summary>
    public IReadOnlyDictionary<string, double>? Weights { get; init; }

    /// <summary>stacking: what learned to combine the members (linear or gbdt).</summary>
    public EnsembleMetaLearner? Meta { get; init; }

    /// <summary>stacking, linear: the meta-learner's coefficient per member on its link-scale output (raw units).</summary>
    public IReadOnlyDictionary<string, double>? MetaCoefficients { get; init; }

    /// <summary>stacking, gbdt: LightGBM's gain per member, summed over the member's meta-features (one per class for multiclass).</summary>
    public IReadOnlyDictionary<string, double>? MetaGain { get; init; }

    /// <summary>regime: regime number → member, and the default member.</summary>
    public IReadOnlyDictionary<string, string>? Routes { get; init; }

    public string? Default { get; init; }

    /// <summary>regime: the k-means model's file hash, or the regime column.</summary>
    public string? RegimeBy { get; init; }
}

public sealed record EnsembleMemberSummary(string Name, string ModelSha256, string? Registered);
