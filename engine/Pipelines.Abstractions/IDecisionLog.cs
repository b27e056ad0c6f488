namespace Pipelines.Abstractions;

/// <summary>
/// Where a live inference step records what it decided and why; the store keeps the rows with the run and step.
/// Each writer belongs to one thread at a time.
/// </summary>
public interface IDecisionLog
{
    /// <summary>A batched writer of decisions by <paramref name="model"/>; <paramref name="features"/> name the
    /// values of every decision's feature vector, in order.</summary>
    IDecisionWriter OpenDecisions(string model, IReadOnlyList<string> features);

    /// <summary>A batched writer of per-decision feature attributions (SHAP values) for <paramref name="model"/>.</summary>
    IExplanationWriter OpenExplanations(string model);

    /// <summary>
    /// Stored decisions of <paramref name="model"/> made by <paramref name="version"/> with a time in
    /// [<paramref name="from"/>, <paramref name="until"/>], oldest first. A trade decided by several runs (a replay run
    /// twice) counts once, as the newest run recorded it.
    /// </summary>
    IReadOnlyList<StoredDecision> Read(string model, int version, DateTime from, DateTime until);

    /// <summary>The time of the newest stored decision of <paramref name="model"/>'s <paramref name="version"/>; null when it made none.</summary>
    DateTime? NewestTime(string model, int version);
}
