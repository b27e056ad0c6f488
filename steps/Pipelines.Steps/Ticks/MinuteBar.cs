namespace Pipelines.Steps.Ticks;

/// <summary>One one-minute OHLCV bar, the raw material of <see cref="SyntheticTickSource"/>.</summary>
/// <param name="OpenTimeMicros">Bar start, UTC microseconds since the Unix epoch.</param>
/// <param name="TakerBuyBase">Base volume bought by takers in the bar, or NaN when the file does not say.</param>
public readonly record struct MinuteBar(long OpenTimeMicros, double Open, double High, double Low, double Close, double Volume, double TakerBuyBase);
