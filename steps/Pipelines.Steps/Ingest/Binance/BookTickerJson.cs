using System.Text.Json;
using static Pipelines.Steps.Ingest.Binance.BinanceStreamJson;

namespace Pipelines.Steps.Ingest.Binance;

/// <summary>
/// Reads one event of Binance's &lt;symbol&gt;@bookTicker stream:
/// {"u":400900217,"s":"BNBUSDT","b":"25.35190000","B":"31.21000000","a":"25.36520000","A":"40.66000000"},
/// prices and quantities exact, allocating nothing unless the message is rejected. The receive time is the caller's.
/// </summary>
public static class BookTickerJson
{
    private const int Update = 1, Bid = 2, BidQty = 4, Ask = 8, AskQty = 16;
    private const int Required = Update | Bid | BidQty | Ask | AskQty;

    public static bool TryParse(ReadOnlySpan<byte> json, ReadOnlySpan<byte> symbol, long receiveTimeMicros, out BookTicker ticker, out string? problem)
    {
        ticker = default;
        try
        {
            problem = Parse(json, symbol, receiveTimeMicros, ref ticker);
        }
        catch (JsonException e)
        {
            problem = InvalidJson(e, json.Length);
        }
        return problem is null;
    }

    private static string? Parse(ReadOnlySpan<byte> json, ReadOnlySpan<byte> symbol, long receiveTimeMicros, ref BookTicker ticker)
    {
        if (Open(json, out var reader) is { } notObject) return notObject;
        long update = 0, bid = 0, bidQty = 0, ask = 0, askQty = 0;
        var seen = 0;
        while (true)
        {
            if (NextField(ref reader, out var key, out var end) is { } truncated) return truncated;
            if (end) break;
            string? problem = null;
            switch (key)
            {
                case (byte)'e':
                    // Some Binance endpoints add the event type; when present it must say bookTicker.
                    if (!IsText(ref reader, "bookTicker"u8)) return "the event type (e) is not bookTicker";
                    break;
                case (byte)'s':
                    problem = CheckSymbol(ref reader, symbol);
                    break;
                case (byte)'u':
                    if (!TryLong(ref reader, out update) || update < 0) return "the update id (u) is not a non-negative integer";
                    seen |= Update;
                    break;
                case (byte)'b':
                    if (!TryUnits(ref reader, out bid)) return "the best bid price (b) is not an exact decimal";
                    seen |= Bid;
                    break;
                case (byte)'B':
                    if (!TryUnits(ref reader, out bidQty)) return "the best bid quantity (B) is not an exact decimal";
                    seen |= BidQty;
                    break;
                case (byte)'a':
                    if (!TryUnits(ref reader, out ask)) return "the best ask price (a) is not an exact decimal";
                    seen |= Ask;
                    break;
                case (byte)'A':
                    if (!TryUnits(ref reader, out askQty)) return "the best ask quantity (A) is not an exact decimal";
                    seen |= AskQty;
                    break;
                default:
                    problem = Skip(ref reader);
                    break;
            }
            if (problem is not null) return problem;
        }
        if ((seen & Required) != Required) return "it lacks one of the fields u, b, B, a, A";
        if (Close(ref reader) is { } trailing) return trailing;
        ticker = new BookTicker(update, bid, bidQty, ask, askQty, receiveTimeMicros);
        return null;
    }
}
