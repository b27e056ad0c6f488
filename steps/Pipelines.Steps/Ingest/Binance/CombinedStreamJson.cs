using System.Text.Json;

namespace Pipelines.Steps.Ingest.Binance;

/// <summary>
/// Unwraps one message of Binance's combined stream (/stream?streams=a/b/c): {"stream":"btcusdt@depth@100ms","data":{…}}.
/// Gives the stream name and the data object as ranges of the message, so the event inside is parsed in place and
/// nothing is copied or allocated.
/// </summary>
public static class CombinedStreamJson
{
    public static bool TryUnwrap(ReadOnlySpan<byte> json, out Range stream, out Range data, out string? problem)
    {
        stream = data = default;
        try
        {
            problem = Unwrap(json, ref stream, ref data);
        }
        catch (JsonException e)
        {
            problem = BinanceStreamJson.InvalidJson(e, json.Length);
        }
        return problem is null;
    }

    private static string? Unwrap(ReadOnlySpan<byte> json, ref Range stream, ref Range data)
    {
        if (BinanceStreamJson.Open(json, out var reader) is { } notObject) return notObject;
        bool hasStream = false, hasData = false;
        while (true)
        {
            if (!reader.Read()) return BinanceStreamJson.Truncated;
            if (reader.TokenType == JsonTokenType.EndObject) break;
            var isStream = reader.ValueTextEquals("stream"u8);
            var isData = !isStream && reader.ValueTextEquals("data"u8);
            if (!reader.Read()) return BinanceStreamJson.Truncated;
            if (isStream)
            {
                if (reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped) return "the stream name is not a plain string";
                var start = (int)reader.TokenStartIndex + 1;
                stream = start..(start + reader.ValueSpan.Length);
                hasStream = true;
            }
            else if (isData)
            {
                if (reader.TokenType != JsonTokenType.StartObject) return "data is not an object";
                var start = (int)reader.TokenStartIndex;
                if (!reader.TrySkip()) return BinanceStreamJson.Truncated;
                data = start..(int)reader.BytesConsumed;
                hasData = true;
            }
            else if (!reader.TrySkip()) return BinanceStreamJson.Truncated;
        }
        if (!hasStream || !hasData) return "it is not a combined-stream message (it lacks stream or data)";
        return BinanceStreamJson.Close(ref reader);
    }
}
