namespace Pipelines.Learning.Trees;

/// <summary>How feature importance is counted over the splits of a model.</summary>
public enum FeatureImportanceType
{
    /// <summary>Number of splits on the feature.</summary>
    Split,

    /// <summary>Total gain of the splits on the feature.</summary>
    Gain,
}
