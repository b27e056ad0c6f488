namespace Pipelines.Abstractions;

/// <summary>
/// Appends feature attributions of single decisions in batches, like <see cref="IDecisionWriter"/>: every row appended
/// is in the store once <see cref="Commit"/> returns, and disposing writes the complete rows still buffered.
/// </summary>
public interface IExplanationWriter : IDisposable
{
    /// <param name="tradeId">The decision's trade.</param>
    /// <param name="modelVersion">The version that made the decision.</param>
    /// <param name="feature">The feature's name.</param>
    /// <param name="shapValue">Its SHAP value (contribution to the raw score).</param>
    /// <param name="rank">1 for the largest |SHAP| of the decision, 2 for the next…</param>
    void Append(long tradeId, int modelVersion, string feature, double shapValue, int rank);

    void Commit();
}
