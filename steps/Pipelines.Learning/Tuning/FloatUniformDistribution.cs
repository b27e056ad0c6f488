namespace Pipelines.Learning.Tuning;

/// <summary>A real parameter drawn uniformly from [Low, High].</summary>
public sealed class FloatUniformDistribution : NumericalDistribution
{
    public FloatUniformDistribution(string name, double low, double high) : base(name)
    {
        if (!double.IsFinite(low) || !double.IsFinite(high))
            throw new ArgumentException($"parameter '{name}': bounds must be finite, got [{low}, {high}]", nameof(low));
        if (low > high)
            throw new ArgumentException($"parameter '{name}': low ({low}) is greater than high ({high})", nameof(low));
        Low = low;
        High = high;
    }

    public double Low { get; }

    public double High { get; }

    internal override double InternalLow => Low;

    internal override double InternalHigh => High;

    internal override bool IsDiscrete => false;

    internal override double Snap(double internalValue) => Math.Clamp(internalValue, Low, High);

    internal override object ToExternal(double internalValue) => internalValue;
}
