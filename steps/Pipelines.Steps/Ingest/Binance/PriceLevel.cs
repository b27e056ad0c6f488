namespace Pipelines.Steps.Ingest.Binance;

/// <summary>One price level of a book side in <see cref="FixedPointDecimal"/> units; a quantity of 0 in a diff removes the level.</summary>
public readonly record struct PriceLevel(long Price, long Quantity);
