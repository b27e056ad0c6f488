namespace Pipelines.Learning.Features;

/// <summary>
/// The running state of one feature. <see cref="Next"/> reads its inputs from the evaluator's slot array
/// (input columns first, then feature outputs) and returns the feature's value for the new row, NaN while it
/// warms up or where it is undefined (a zero denominator): the streaming image of SQL's NULL.
/// </summary>
internal abstract class FeatureState
{
    public abstract double Next(double[] slots);

    public abstract void Reset();

    protected static double Divide(double numerator, double denominator) =>
        denominator == 0 ? double.NaN : numerator / denominator;

    public static FeatureState Create(FeatureDefinition definition, int[] inputSlots)
    {
        var n = definition.Window;
        var x = inputSlots[0];
        return definition.Kind switch
        {
            FeatureKind.Value => new ValueState(x),
            FeatureKind.Return or FeatureKind.LogReturn or FeatureKind.RateOfChange => new LagState(x, n, definition.Kind),
            FeatureKind.Sma => new MeanState(x, n, ratio: false),
            FeatureKind.RatioToMean => new MeanState(x, n, ratio: true),
            FeatureKind.Std => new MomentsState(x, n, zScore: false),
            FeatureKind.ZScore => new MomentsState(x, n, zScore: true),
            FeatureKind.Trend => new TrendState(x, n),
            FeatureKind.Ema => new EmaState(x, n),
            FeatureKind.Rsi => new RsiState(x, n),
            FeatureKind.Atr => new AtrState(inputSlots, n, normalized: false),
            FeatureKind.Natr => new AtrState(inputSlots, n, normalized: true),
            FeatureKind.OrderImbalance or FeatureKind.TradeFlowImbalance or FeatureKind.BidPressure =>
                new TwoSidedState(inputSlots, n, definition.Kind),
            FeatureKind.BookDepth => new BookDepthState(inputSlots, quote: false),
            FeatureKind.BookDepthQuote => new BookDepthState(inputSlots, quote: true),
            FeatureKind.BookImbalance or FeatureKind.BookPressure => new BookRatioState(inputSlots, n, definition.Kind),
            FeatureKind.DepthWithinBps => new DepthWithinBpsState(inputSlots, n),
            _ => new PointState(inputSlots, definition.Kind),
        };
    }
}
