using System.Text.Json;

namespace Pipelines.Steps.Ingest.Binance;

/// <summary>
/// Reads the body of GET /api/v3/depth: {"lastUpdateId":1027024,"bids":[["4.00000000","431.00000000"],…],"asks":[…]},
/// prices and quantities exact. A body of another shape throws <see cref="BinancePayloadException"/> with the offset.
/// </summary>
public static class DepthSnapshotJson
{
    public static DepthSnapshot Parse(byte[] body, string endpoint)
    {
        var reader = new Utf8JsonReader(body, isFinalBlock: true, state: default);
        long lastUpdateId = -1;
        PriceLevel[] bids = [], asks = [];
        int bidCount = -1, askCount = -1;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) throw Shape(ref reader, endpoint, "expected a JSON object");
            while (true)
            {
                if (!reader.Read()) throw Shape(ref reader, endpoint, "the response ends in the middle of the JSON (truncated)");
                if (reader.TokenType == JsonTokenType.EndObject) break;
                var name = reader.GetString();
                if (!reader.Read()) throw Shape(ref reader, endpoint, "the response ends in the middle of the JSON (truncated)");
                string? problem = null;
                switch (name)
                {
                    case "lastUpdateId":
                        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out lastUpdateId) || lastUpdateId < 0)
                            throw Shape(ref reader, endpoint, "lastUpdateId is not a non-negative integer");
                        break;
                    case "bids": problem = DepthLevelsJson.Read(ref reader, "bids", ref bids, grow: true, out bidCount); break;
                    case "asks": problem = DepthLevelsJson.Read(ref reader, "asks", ref asks, grow: true, out askCount); break;
                    default: reader.Skip(); break;
                }
                if (problem is not null) throw Shape(ref reader, endpoint, problem);
            }
            if (reader.Read()) throw Shape(ref reader, endpoint, "unexpected content after the end of the object");
        }
        catch (JsonException e)
        {
            throw new BinancePayloadException(endpoint, e.BytePositionInLine ?? 0, "the response is not valid JSON", e);
        }
        if (lastUpdateId < 0 || bidCount < 0 || askCount < 0)
            throw new BinancePayloadException(endpoint, body.Length, "the snapshot lacks one of lastUpdateId, bids, asks");
        return new DepthSnapshot(lastUpdateId, bids.AsMemory(0, bidCount), asks.AsMemory(0, askCount));
    }

    private static BinancePayloadException Shape(ref Utf8JsonReader reader, string endpoint, string message) =>
        new(endpoint, reader.TokenStartIndex, message);
}
