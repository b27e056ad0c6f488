using System.Buffers.Text;
using System.Text.Json;

namespace Pipelines.Steps.Ingest.Binance;

/// <summary>
/// Reads the JSON of the klines and aggTrades endpoints with a forward-only reader, so a bad byte is reported at
/// its exact offset and no intermediate document is built. Prices come as strings, ids and times as numbers.
/// </summary>
public static class BinanceJson
{
    private const int KlineFields = 12;

    public static List<Kline> ParseKlines(byte[] body, string endpoint)
    {
        var rows = new List<Kline>();
        var reader = new Utf8JsonReader(body, isFinalBlock: true, state: default);
        try
        {
            Expect(ref reader, JsonTokenType.StartArray, endpoint, "a JSON array of klines");
            while (Next(ref reader, endpoint) != JsonTokenType.EndArray)
            {
                if (reader.TokenType != JsonTokenType.StartArray)
                    throw Shape(ref reader, endpoint, $"kline {rows.Count} is not an array");
                var openTime = ReadLong(ref reader, endpoint, rows.Count, "open time");
                var open = ReadDouble(ref reader, endpoint, rows.Count, "open");
                var high = ReadDouble(ref reader, endpoint, rows.Count, "high");
                var low = ReadDouble(ref reader, endpoint, rows.Count, "low");
                var close = ReadDouble(ref reader, endpoint, rows.Count, "close");
                var volume = ReadDouble(ref reader, endpoint, rows.Count, "volume");
                var closeTime = ReadLong(ref reader, endpoint, rows.Count, "close time");
                var quoteVolume = ReadDouble(ref reader, endpoint, rows.Count, "quote asset volume");
                var trades = ReadLong(ref reader, endpoint, rows.Count, "number of trades");
                var takerBase = ReadDouble(ref reader, endpoint, rows.Count, "taker buy base volume");
                var takerQuote = ReadDouble(ref reader, endpoint, rows.Count, "taker buy quote volume");
                var fields = 11;
                while (Next(ref reader, endpoint) != JsonTokenType.EndArray)
                {
                    if (reader.TokenType is JsonTokenType.StartArray or JsonTokenType.StartObject) reader.Skip();
                    fields++;
                }
                if (fields < KlineFields)
                    throw Shape(ref reader, endpoint, $"kline {rows.Count} has {fields} fields, expected {KlineFields}");
                var micros = EpochTime.IsMicroseconds(openTime);
                rows.Add(new Kline(EpochTime.ToMicros(openTime, micros), open, high, low, close, volume,
                    EpochTime.ToMicros(closeTime, micros), quoteVolume, trades, takerBase, takerQuote));
            }
            ExpectEnd(ref reader, endpoint);
        }
        catch (JsonException e)
        {
            throw Malformed(body, endpoint, e);
        }
        return rows;
    }

    public static List<AggTrade> ParseAggTrades(byte[] body, string endpoint)
    {
        var trades = new List<AggTrade>();
        var reader = new Utf8JsonReader(body, isFinalBlock: true, state: default);
        try
        {
            Expect(ref reader, JsonTokenType.StartArray, endpoint, "a JSON array of aggregate trades");
            while (Next(ref reader, endpoint) != JsonTokenType.EndArray)
            {
                if (reader.TokenType != JsonTokenType.StartObject)
                    throw Shape(ref reader, endpoint, $"aggregate trade {trades.Count} is not an object");
                long id = 0, first = 0, last = 0, time = 0;
                double price = 0, quantity = 0;
                bool buyerMaker = false, bestMatch = false;
                var seen = 0;
                while (Next(ref reader, endpoint) != JsonTokenType.EndObject)
                {
                    var name = reader.GetString();
                    switch (name)
                    {
                        case "a": id = ReadLong(ref reader, endpoint, trades.Count, "a (aggregate trade id)"); seen |= 1; break;
                        case "p": price = ReadDouble(ref reader, endpoint, trades.Count, "p (price)"); seen |= 2; break;
                        case "q": quantity = ReadDouble(ref reader, endpoint, trades.Count, "q (quantity)"); seen |= 4; break;
                        case "f": first = ReadLong(ref reader, endpoint, trades.Count, "f (first trade id)"); seen |= 8; break;
                        case "l": last = ReadLong(ref reader, endpoint, trades.Count, "l (last trade id)"); seen |= 16; break;
                        case "T": time = ReadLong(ref reader, endpoint, trades.Count, "T (time)"); seen |= 32; break;
                        case "m": buyerMaker = ReadBool(ref reader, endpoint, trades.Count, "m (buyer is maker)"); seen |= 64; break;
                        case "M": bestMatch = ReadBool(ref reader, endpoint, trades.Count, "M (best match)"); break;
                        default: Next(ref reader, endpoint); reader.Skip(); break;
                    }
                }
                if (seen != 127)
                    throw Shape(ref reader, endpoint, $"aggregate trade {trades.Count} lacks one of the fields a, p, q, f, l, T, m");
                trades.Add(new AggTrade(id, price, quantity, first, last, EpochTime.ToMicros(time, EpochTime.IsMicroseconds(time)), buyerMaker, bestMatch));
            }
            ExpectEnd(ref reader, endpoint);
        }
        catch (JsonException e)
        {
            throw Malformed(body, endpoint, e);
        }
        return trades;
    }

    private static JsonTokenType Next(ref Utf8JsonReader reader, string endpoint)
    {
        if (!reader.Read())
            throw new BinancePayloadException(endpoint, reader.BytesConsumed, "the response ends in the middle of the JSON (truncated)");
        return reader.TokenType;
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type, string endpoint, string what)
    {
        if (Next(ref reader, endpoint) != type)
            throw Shape(ref reader, endpoint, $"expected {what}, found {reader.TokenType}");
    }

    private static void ExpectEnd(ref Utf8JsonReader reader, string endpoint)
    {
        if (reader.Read())
            throw Shape(ref reader, endpoint, "unexpected content after the end of the array");
    }

    private static long ReadLong(ref Utf8JsonReader reader, string endpoint, int row, string field)
    {
        var type = Next(ref reader, endpoint);
        if (type == JsonTokenType.Number && reader.TryGetInt64(out var value)) return value;
        if (type == JsonTokenType.String && !reader.ValueIsEscaped && Utf8Parser.TryParse(reader.ValueSpan, out value, out var used) && used == reader.ValueSpan.Length)
            return value;
        throw Shape(ref reader, endpoint, $"row {row}: {field} is not an integer");
    }

    private static double ReadDouble(ref Utf8JsonReader reader, string endpoint, int row, string field)
    {
        var type = Next(ref reader, endpoint);
        if (type == JsonTokenType.Number && reader.TryGetDouble(out var value)) return value;
        if (type == JsonTokenType.String && !reader.ValueIsEscaped && Utf8Parser.TryParse(reader.ValueSpan, out value, out var used) && used == reader.ValueSpan.Length)
            return value;
        throw Shape(ref reader, endpoint, $"row {row}: {field} is not a number");
    }

    private static bool ReadBool(ref Utf8JsonReader reader, string endpoint, int row, string field) =>
        Next(ref reader, endpoint) switch
        {
            JsonTokenType.True => true,
            JsonTokenType.False => false,
            _ => throw Shape(ref reader, endpoint, $"row {row}: {field} is not true or false"),
        };

    private static BinancePayloadException Shape(ref Utf8JsonReader reader, string endpoint, string message) =>
        new(endpoint, reader.TokenStartIndex, message);

    /// <summary>The reader reports line and column; Binance sends one line, but a proxy may not, so count the lines.</summary>
    private static BinancePayloadException Malformed(byte[] body, string endpoint, JsonException e)
    {
        long offset = 0;
        for (long line = 0; line < (e.LineNumber ?? 0) && offset < body.Length; offset++)
            if (body[offset] == (byte)'\n') line++;
        offset += e.BytePositionInLine ?? 0;
        var truncated = offset >= body.Length;
        return new BinancePayloadException(endpoint, offset,
            truncated ? "the response ends in the middle of the JSON (truncated)" : "the response is not valid JSON", e);
    }
}
