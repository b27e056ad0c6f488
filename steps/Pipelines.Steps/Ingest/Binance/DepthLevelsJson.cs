using System.Text.Json;

namespace Pipelines.Steps.Ingest.Binance;

/// <summary>Reads a JSON array of [price, quantity] string pairs, as both the depth stream and the snapshot send them, exactly.</summary>
internal static class DepthLevelsJson
{
    /// <summary>
    /// With the reader on the array's start, reads levels into <paramref name="levels"/> (growing it only when
    /// <paramref name="grow"/>); returns the problem, or null with <paramref name="count"/> set.
    /// </summary>
    public static string? Read(ref Utf8JsonReader reader, string side, ref PriceLevel[] levels, bool grow, out int count)
    {
        count = 0;
        if (reader.TokenType != JsonTokenType.StartArray) return $"{side} is not an array of [price, quantity] pairs";
        while (true)
        {
            if (!reader.Read()) return "the message ends inside a level list (truncated)";
            if (reader.TokenType == JsonTokenType.EndArray) return null;
            if (reader.TokenType != JsonTokenType.StartArray) return $"{side}[{count}] is not a [price, quantity] pair";
            if (!reader.Read() || !TryUnits(ref reader, out var price)) return $"{side}[{count}] price is not a decimal string with at most {FixedPointDecimal.Decimals} decimals";
            if (!reader.Read() || !TryUnits(ref reader, out var quantity)) return $"{side}[{count}] quantity is not a decimal string with at most {FixedPointDecimal.Decimals} decimals";
            if (!reader.Read()) return "the message ends inside a level list (truncated)";
            if (reader.TokenType != JsonTokenType.EndArray) return $"{side}[{count}] has more than a price and a quantity";
            if (count == levels.Length)
            {
                if (!grow) return $"{side} has more than {levels.Length} levels, the most this reader was sized for";
                Array.Resize(ref levels, Math.Max(16, levels.Length * 2));
            }
            levels[count++] = new PriceLevel(price, quantity);
        }
    }

    private static bool TryUnits(ref Utf8JsonReader reader, out long units)
    {
        units = 0;
        return reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped && FixedPointDecimal.TryParse(reader.ValueSpan, out units);
    }
}
