namespace Pipelines.Learning.Tuning;

/// <summary>
/// A parameter on a real line, sampled in the internal interval [InternalLow, InternalHigh]. Integer
/// parameters widen that interval by half a unit on each side so every integer owns an equal-width cell.
/// </summary>
public abstract class NumericalDistribution : ParameterDistribution
{
    private protected NumericalDistribution(string name) : base(name)
    {
    }

    internal abstract double InternalLow { get; }

    internal abstract double InternalHigh { get; }

    /// <summary>Whether values are integers, whose probability is the mass of their unit cell.</summary>
    internal abstract bool IsDiscrete { get; }

    /// <summary>Maps any point of the internal interval to a valid internal value (rounding for integers).</summary>
    internal abstract double Snap(double internalValue);

    internal override double SampleInternal(Random random) =>
        Snap(InternalLow + random.NextDouble() * (InternalHigh - InternalLow));
}
