using System.Buffers.Text;
using System.Text.Json;
using Pipelines.Steps.Ingest.Binance;

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
        try
        {
            problem = Parse(json, symbol, ref trade);
        }
        catch (JsonException e)
        {
            problem = $"not valid JSON at byte {e.BytePositionInLine}{(e.BytePositionInLine >= json.Length ? " (truncated)" : "")}";
        }
        return problem is null;
    }

    private static string? Parse(ReadOnlySpan<byte> json, ReadOnlySpan<byte> symbol, ref AggTrade trade)
    {
        var reader = new Utf8JsonReader(json, isFinalBlock: true, state: default);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return "not a JSON object";
        long id = 0, first = 0, last = 0, time = 0;
        double price = 0, quantity = 0;
        bool buyerMaker = false, bestMatch = false;
        var seen = 0;
        while (true)
        {
            if (!reader.Read()) return "the message ends inside the object (truncated)";
            if (reader.TokenType == JsonTokenType.EndObject) break;
            var name = reader.ValueSpan;
            var key = name.Length == 1 && !reader.ValueIsEscaped ? name[0] : (byte)0;
            if (!reader.Read()) return "the message ends inside the object (truncated)";
            switch (key)
            {
                case (byte)'e':
                    if (reader.TokenType != JsonTokenType.String || !reader.ValueTextEquals("aggTrade"u8)) return "the event type (e) is not aggTrade";
                    seen |= EventType;
                    break;
                case (byte)'s':
                    if (reader.TokenType != JsonTokenType.String || !reader.ValueTextEquals(symbol)) return $"the symbol (s) is not {System.Text.Encoding.UTF8.GetString(symbol)}";
                    break;
                case (byte)'a':
                    if (!TryLong(ref reader, out id)) return "the aggregate trade id (a) is not an integer";
                    seen |= Id;
                    break;
                case (byte)'p':
                    if (!TryDouble(ref reader, out price)) return "the price (p) is not a number";
                    seen |= Price;
                    break;
                case (byte)'q':
                    if (!TryDouble(ref reader, out quantity)) return "the quantity (q) is not a number";
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
                    if (reader.TokenType is not (JsonTokenType.True or JsonTokenType.False)) return "buyer is maker (m) is not true or false";
                    buyerMaker = reader.TokenType == JsonTokenType.True;
                    seen |= BuyerMaker;
                    break;
                case (byte)'M':
                    if (reader.TokenType is not (JsonTokenType.True or JsonTokenType.False)) return "best match (M) is not true or false";
                    bestMatch = reader.TokenType == JsonTokenType.True;
                    break;
                default:
                    if (!reader.TrySkip()) return "the message ends inside a value (truncated)";
                    break;
            }
        }
        if ((seen & Required) != Required) return "it lacks one of the fields e, a, p, q, T, m";
        if (reader.Read()) return "there is content after the end of the object";
        trade = new AggTrade(id, price, quantity, first, last, EpochTime.ToMicros(time, EpochTime.IsMicroseconds(time)), buyerMaker, bestMatch);
        return null;
    }

    private static bool TryLong(ref Utf8JsonReader reader, out long value)
    {
        if (reader.TokenType == JsonTokenType.Number) return reader.TryGetInt64(out value);
        value = 0;
        return reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped
            && Utf8Parser.TryParse(reader.ValueSpan, out value, out var used) && used == reader.ValueSpan.Length;
    }

    private static bool TryDouble(ref Utf8JsonReader reader, out double value)
    {
        if (reader.TokenType == JsonTokenType.Number) return reader.TryGetDouble(out value);
        value = 0;
        return reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped
            && Utf8Parser.TryParse(reader.ValueSpan, out value, out var used) && used == reader.ValueSpan.Length;
    }
}
