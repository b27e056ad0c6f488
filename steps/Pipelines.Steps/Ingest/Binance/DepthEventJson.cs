using System.Text.Json;
using static Pipelines.Steps.Ingest.Binance.BinanceStreamJson;

namespace Pipelines.Steps.Ingest.Binance;

/// <summary>
/// Reads one event of Binance's &lt;symbol&gt;@depth stream:
/// {"e":"depthUpdate","E":event ms,"s":"BNBBTC","U":first update id,"u":final update id,"b":[["price","qty"],…],"a":[…]}.
/// Forward-only into the caller's level buffers, prices and quantities exact (<see cref="FixedPointDecimal"/>), allocating
/// nothing unless the message is rejected. The returned <see cref="DepthDiff"/> views those buffers, so it is valid
/// until they are reused; <see cref="DepthBookSynchronizer"/> copies what it keeps.
/// </summary>
public sealed class DepthEventJson(int maxLevelsPerSide = 5_000)
{
    private const int EventType = 1, First = 2, Final = 4, Bids = 8, Asks = 16, Time = 32;
    private const int Required = EventType | First | Final | Bids | Asks;
    private PriceLevel[] _bids = new PriceLevel[maxLevelsPerSide];
    private PriceLevel[] _asks = new PriceLevel[maxLevelsPerSide];

    public bool TryParse(ReadOnlySpan<byte> json, ReadOnlySpan<byte> symbol, out DepthDiff diff, out string? problem)
    {
        diff = default;
        try
        {
            problem = Parse(json, symbol, ref diff);
        }
        catch (JsonException e)
        {
            problem = InvalidJson(e, json.Length);
        }
        return problem is null;
    }

    private string? Parse(ReadOnlySpan<byte> json, ReadOnlySpan<byte> symbol, ref DepthDiff diff)
    {
        if (Open(json, out var reader) is { } notObject) return notObject;
        long first = 0, final = 0, time = 0;
        int bidCount = 0, askCount = 0, seen = 0;
        while (true)
        {
            if (NextField(ref reader, out var key, out var end) is { } truncated) return truncated;
            if (end) break;
            string? problem = null;
            switch (key)
            {
                case (byte)'e':
                    if (!IsText(ref reader, "depthUpdate"u8)) return "the event type (e) is not depthUpdate";
                    seen |= EventType;
                    break;
                case (byte)'s':
                    problem = CheckSymbol(ref reader, symbol);
                    break;
                case (byte)'E':
                    if (!TryLong(ref reader, out time) || time < 0) return "the event time (E) is not a non-negative integer";
                    seen |= Time;
                    break;
                case (byte)'U':
                    if (!TryLong(ref reader, out first)) return "the first update id (U) is not an integer";
                    seen |= First;
                    break;
                case (byte)'u':
                    if (!TryLong(ref reader, out final)) return "the final update id (u) is not an integer";
                    seen |= Final;
                    break;
                case (byte)'b':
                    problem = DepthLevelsJson.Read(ref reader, "b (bids)", ref _bids, grow: false, out bidCount);
                    seen |= Bids;
                    break;
                case (byte)'a':
                    problem = DepthLevelsJson.Read(ref reader, "a (asks)", ref _asks, grow: false, out askCount);
                    seen |= Asks;
                    break;
                default:
                    problem = Skip(ref reader);
                    break;
            }
            if (problem is not null) return problem;
        }
        if ((seen & Required) != Required) return "it lacks one of the fields e, U, u, b, a";
        if (Close(ref reader) is { } trailing) return trailing;
        var micros = (seen & Time) != 0 ? EpochTime.ToMicros(time, EpochTime.IsMicroseconds(time)) : 0;
        diff = new DepthDiff(first, final, micros, _bids.AsMemory(0, bidCount), _asks.AsMemory(0, askCount));
        return null;
    }
}
