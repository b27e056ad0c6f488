namespace Pipelines.Learning.Drift;

/// <summary>How far a feature's distribution has moved from its reference, in increasing order of concern.</summary>
public enum DriftSeverity
{
    Low,
    Medium,
    High,
    Critical,
}
