namespace Pipelines.Abstractions;

/// <summary>The shadow decisions the store has recorded, read back (e.g. to replay a champion's errors into training).</summary>
public interface IShadowHistory
{
    /// <summary>Every recorded decision of <paramref name="model"/>'s version <paramref name="championVersion"/> as champion that has an outcome.</summary>
    IReadOnlyList<ShadowOutcome> Outcomes(string model, int championVersion);
}
