using Pipelines.Steps.Ticks;

namespace Pipelines.Steps.Inference;

/// <summary>
/// The columns a tick offers to feature definitions. A trade is treated as a one-trade bar, so the bar-shaped names
/// that default features read (close, high, low, volume…) all exist: open, high, low and close are the price and
/// volume is the quantity. Order flow splits the quantity by aggressor: buy_volume when the taker bought (the buyer
/// was not the maker), sell_volume otherwise. So ret_1, std_30 or trade_flow_imbalance_20 mean on ticks what they
/// mean on bars, per trade instead of per minute.
/// </summary>
public static class TickColumns
{
    public static IReadOnlyList<string> Names { get; } =
        ["price", "quantity", "buy_volume", "sell_volume", "open", "high", "low", "close", "volume"];

    /// <summary>Writes the tick's values in <see cref="Names"/> order into <paramref name="row"/>.</summary>
    public static void Fill(in Tick tick, Span<double> row)
    {
        var price = tick.Price;
        var quantity = tick.Quantity;
        row[0] = price;
        row[1] = quantity;
        row[2] = tick.IsBuyerMaker ? 0.0 : quantity;
        row[3] = tick.IsBuyerMaker ? quantity : 0.0;
        row[4] = price;
        row[5] = price;
        row[6] = price;
        row[7] = price;
        row[8] = quantity;
    }
}
