namespace Pipelines.Learning.Backtesting;

/// <summary>
/// How a prediction becomes a target position: long when the prediction is above <see cref="LongAbove"/>, short when
/// it is below <see cref="ShortBelow"/>, flat otherwise (a side with no threshold is never taken). The size is
/// <see cref="MaxPosition"/>, or with <see cref="FullSizeMargin"/> it grows with confidence:
/// MaxPosition · min(1, distance beyond the threshold / FullSizeMargin), so a prediction just past the threshold
/// takes a small position and one FullSizeMargin past it the cap. A NaN prediction (no score) is flat.
/// </summary>
public sealed record TradingPolicy(double? LongAbove, double? ShortBelow, double MaxPosition = 1.0, double? FullSizeMargin = null)
{
    public double Target(double prediction)
    {
        if (double.IsNaN(prediction)) return 0;
        if (LongAbove is { } longAbove && prediction > longAbove) return Size(prediction - longAbove);
        if (ShortBelow is { } shortBelow && prediction < shortBelow) return -Size(shortBelow - prediction);
        return 0;
    }

    private double Size(double beyond) => FullSizeMargin is { } full ? MaxPosition * Math.Min(1.0, beyond / full) : MaxPosition;
}
