namespace Pipelines.Learning.Features;

/// <summary>
/// The latest feature row of a <see cref="StreamingFeatureEvaluator"/>: one double per feature in definition
/// order, NaN where undefined. The array is reused on every update, so copy it to keep a row.
/// </summary>
public sealed class FeatureVector
{
    internal FeatureVector(IReadOnlyList<string> names)
    {
        Names = names;
        Values = new double[names.Count];
    }

    public IReadOnlyList<string> Names { get; }

    public double[] Values { get; }

    public int Count => Values.Length;

    public double this[int index] => Values[index];
}
