namespace Pipelines.Learning.Tuning;

/// <summary>
/// One tunable parameter and the range it is drawn from. Samplers work on an internal real-valued encoding:
/// the value itself for uniform ranges, its natural logarithm for log-uniform ranges, and the choice index for
/// categorical ones.
/// </summary>
public abstract class ParameterDistribution
{
    private protected ParameterDistribution(string name)
    {
        if (string.IsNullOrWhiteSpace(name))
            throw new ArgumentException("a parameter needs a non-blank name", nameof(name));
        Name = name;
    }

    public string Name { get; }

    /// <summary>Draws an internal value uniformly over the range (log-uniformly for log ranges).</summary>
    internal abstract double SampleInternal(Random random);

    /// <summary>The user-facing value of an internal value: int, double or string.</summary>
    internal abstract object ToExternal(double internalValue);
}
