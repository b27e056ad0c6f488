namespace Pipelines.Learning.Tuning;

/// <summary>An integer parameter drawn uniformly from [Low, High], both included.</summary>
public sealed class IntUniformDistribution : NumericalDistribution
{
    public IntUniformDistribution(string name, int low, int high) : base(name)
    {
        if (low > high)
            throw new ArgumentException($"parameter '{name}': low ({low}) is greater than high ({high})", nameof(low));
        Low = low;
        High = high;
    }

    public int Low { get; }

    public int High { get; }

    internal override double InternalLow => Low - 0.5;

    internal override double InternalHigh => High + 0.5;

    internal override bool IsDiscrete => true;

    internal override double Snap(double internalValue) => Math.Clamp(Math.Round(internalValue), Low, High);

    internal override object ToExternal(double internalValue) => (int)internalValue;
}
