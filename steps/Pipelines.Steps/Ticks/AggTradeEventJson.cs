using System.Text.Json;
using Pipelines.Steps.Ingest.Binance;
using static Pipelines.Steps.Ingest.Binance.BinanceStreamJson;

namespace Pipelines.Steps.Ticks;

/// <summary>
/// Reads one event of Binance's &lt;symbol&gt;@aggTrade WebSocket stream:
/// {"e":"aggTrade","E":event ms,"s":"BTCUSDT","a":id,"p":"price","q":"qty","f":first id,"l":last id,"T":trade ms,"m":bool,"M":bool}.
/// Forward-only over the received bytes, allocating nothing unless the message is rejected.
/// </summary>
public static class AggTradeEventJson
{
    private const int Id = 1, Price = 2, Quantity = 4, FirstId = 8, LastId = 16, Time = 32, BuyerMaker = 64, EventType = 128;
    private const int Required = Id | Price | Quantity | Time | BuyerMaker | EventType;

    /// <summary>
    /// Parses <paramref name="json"/> as an aggTrade event for <paramref name="symbol"/> (uppercase UTF-8); on failure
    /// <paramref name="problem"/> says what is wrong with the message.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> json, ReadOnlySpan<byte> symbol, out AggTrade trade, out string? problem)
    {
        trade = default;
        problem = Guarded(json, symbol, ref trade, out _, out _);
        return problem is null;
    }

    /// <summary>
    /// The same, with the price and quantity also read exactly as <see cref="FixedPointDecimal"/> units, as a recording
    /// keeps them; a trade whose price or quantity cannot be held exactly is refused.
    /// </summary>
    public static bool TryParseExact(ReadOnlySpan<byte> json, ReadOnlySpan<byte> symbol, long receiveTimeMicros, out RecordedTrade trade, out string? problem)
    {
        AggTrade parsed = default;
        trade = default;
        problem = Guarded(json, symbol, ref parsed, out var price, out var quantity);
        if (problem is null && (price < 0 || quantity < 0))
            problem = $"the {(price < 0 ? "price (p)" : "quantity (q)")} is not a decimal with at most {FixedPointDecimal.Decimals} decimals";
        if (problem is not null) return false;
        trade = new RecordedTrade(parsed.Id, parsed.TimeMicros, receiveTimeMicros, price, quantity, parsed.IsBuyerMaker);
        return true;
    }

    private static string? Guarded(ReadOnlySpan<byte> json, ReadOnlySpan<byte> symbol, ref AggTrade trade, out long priceUnits, out long quantityUnits)
    {
        priceUnits = quantityUnits = -1;
        try
        {
            return Parse(json, symbol, ref trade, ref priceUnits, ref quantityUnits);
        }
        catch (JsonException e)
        {
            return InvalidJson(e, json.Length);
        }
    }

    private static string? Parse(ReadOnlySpan<byte> json, ReadOnlySpan<byte> symbol, ref AggTrade trade, ref long priceUnits, ref long quantityUnits)
    {
        if (Open(json, out var reader) is { } notObject) return notObject;
        long id = 0, first = 0, last = 0, time = 0;
        double price = 0, quantity = 0;
        bool buyerMaker = false, bestMatch = false;
        var seen = 0;
        while (true)
        {
            if (NextField(ref reader, out var key, out var end) is { } truncated) return truncated;
            if (end) break;
            string? problem = null;
            switch (key)
            {
                case (byte)'e':
                    if (!IsText(ref reader, "aggTrade"u8)) return "the event type (e) is not aggTrade";
                    seen |= EventType;
                    break;
                case (byte)'s':
                    problem = CheckSymbol(ref reader, symbol);
                    break;
                case (byte)'a':
                    if (!TryLong(ref reader, out id)) return "the aggregate trade id (a) is not an integer";
                    seen |= Id;
                    break;
                case (byte)'p':
                    if (!TryDouble(ref reader, out price)) return "the price (p) is not a number";
                    if (!TryUnits(ref reader, out priceUnits)) priceUnits = -1;
                    seen |= Price;
                    break;
                case (byte)'q':
                    if (!TryDouble(ref reader, out quantity)) return "the quantity (q) is not a number";
                    if (!TryUnits(ref reader, out quantityUnits)) quantityUnits = -1;
                    seen |= Quantity;
                    break;
                case (byte)'f':
                    if (!TryLong(ref reader, out first)) return "the first trade id (f) is not an integer";
                    seen |= FirstId;
                    break;
                case (byte)'l':
                    if (!TryLong(ref reader, out last)) return "the last trade id (l) is not an integer";
                    seen |= LastId;
                    break;
                case (byte)'T':
                    if (!TryLong(ref reader, out time) || time < 0) return "the trade time (T) is not a non-negative integer";
                    seen |= Time;
                    break;
                case (byte)'m':
                    if (!TryBool(ref reader, out buyerMaker)) return "buyer is maker (m) is not true or false";
                    seen |= BuyerMaker;
                    break;
                case (byte)'M':
                    if (!TryBool(ref reader, out bestMatch)) return "best match (M) is not true or false";
                    break;
                default:
                    problem = Skip(ref reader);
                    break;
            }
            if (problem is not null) return problem;
        }
        if ((seen & Required) != Required) return "it lacks one of the fields e, a, p, q, T, m";
        if (Close(ref reader) is { } trailing) return trailing;
        trade = new AggTrade(id, price, quantity, first, last, EpochTime.ToMicros(time, EpochTime.IsMicroseconds(time)), buyerMaker, bestMatch);
        return null;
    }
}
