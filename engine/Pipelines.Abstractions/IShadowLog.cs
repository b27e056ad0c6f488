namespace Pipelines.Abstractions;

/// <summary>Where a shadow comparison records its paired predictions; the store keeps them with the run and step.</summary>
public interface IShadowLog
{
    void Record(string model, int championVersion, int challengerVersion, IReadOnlyList<ShadowPrediction> predictions);
}
