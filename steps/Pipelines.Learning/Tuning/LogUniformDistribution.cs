namespace Pipelines.Learning.Tuning;

/// <summary>
/// A positive real parameter whose logarithm is uniform on [ln Low, ln High], for scales such as learning
/// rates where 0.01 to 0.1 matters as much as 0.1 to 1.
/// </summary>
public sealed class LogUniformDistribution : NumericalDistribution
{
    public LogUniformDistribution(string name, double low, double high) : base(name)
    {
        if (!double.IsFinite(low) || !double.IsFinite(high))
            throw new ArgumentException($"parameter '{name}': bounds must be finite, got [{low}, {high}]", nameof(low));
        if (low <= 0.0)
            throw new ArgumentException($"parameter '{name}': a log-uniform range needs low > 0, got {low}", nameof(low));
        if (low > high)
            throw new ArgumentException($"parameter '{name}': low ({low}) is greater than high ({high})", nameof(low));
        Low = low;
        High = high;
    }

    public double Low { get; }

    public double High { get; }

    internal override double InternalLow => Math.Log(Low);

    internal override double InternalHigh => Math.Log(High);

    internal override bool IsDiscrete => false;

    internal override double Snap(double internalValue) => Math.Clamp(internalValue, InternalLow, InternalHigh);

    internal override object ToExternal(double internalValue) => Math.Clamp(Math.Exp(internalValue), Low, High);
}
