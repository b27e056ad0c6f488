using System.Buffers.Text;
using System.Text.Json;

namespace Pipelines.Steps.Ingest.Binance;

/// <summary>
/// The reading every Binance stream message shares: one flat JSON object whose fields have one-letter names
/// ("e", "s", "U", "p", …), read forward-only over the received bytes so that a well-formed message allocates nothing,
/// with each way it can be wrong put into words. A parser opens the object with <see cref="Open"/>, walks it with
/// <see cref="NextField"/> until that reports the end, checks each value with the <c>Try…</c> helpers and finishes
/// with <see cref="Close"/>, turning the reader's own <see cref="JsonException"/> into a problem with <see cref="InvalidJson"/>.
/// </summary>
public static class BinanceStreamJson
{
    public const string Truncated = "the message ends inside the object (truncated)";

    /// <summary>The problem text for JSON the reader gave up on, naming the byte where it broke.</summary>
    public static string InvalidJson(JsonException e, int length) =>
        $"not valid JSON at byte {e.BytePositionInLine}{(e.BytePositionInLine >= length ? " (truncated)" : "")}";

    /// <summary>Starts a reader on <paramref name="json"/>, which must hold one object; returns the problem or null.</summary>
    public static string? Open(ReadOnlySpan<byte> json, out Utf8JsonReader reader)
    {
        reader = new Utf8JsonReader(json, isFinalBlock: true, state: default);
        return reader.Read() && reader.TokenType == JsonTokenType.StartObject ? null : "not a JSON object";
    }

    /// <summary>
    /// Moves to the next field's value. <paramref name="key"/> is the field's one-letter name (0 for longer or escaped
    /// names, which the caller skips); <paramref name="end"/> is set at the object's end. Returns the problem or null.
    /// </summary>
    public static string? NextField(ref Utf8JsonReader reader, out byte key, out bool end)
    {
        key = 0;
        end = false;
        if (!reader.Read()) return Truncated;
        if (reader.TokenType == JsonTokenType.EndObject)
        {
            end = true;
            return null;
        }
        var name = reader.ValueSpan;
        if (name.Length == 1 && !reader.ValueIsEscaped) key = name[0];
        return reader.Read() ? null : Truncated;
    }

    /// <summary>Skips a value the parser does not read (an unknown field).</summary>
    public static string? Skip(ref Utf8JsonReader reader) => reader.TrySkip() ? null : "the message ends inside a value (truncated)";

    /// <summary>After the object's end: anything more is a problem.</summary>
    public static string? Close(ref Utf8JsonReader reader) => reader.Read() ? "there is content after the end of the object" : null;

    /// <summary>Whether the value is the string <paramref name="expected"/>, unescaped.</summary>
    public static bool IsText(ref Utf8JsonReader reader, ReadOnlySpan<byte> expected) =>
        reader.TokenType == JsonTokenType.String && reader.ValueTextEquals(expected);

    /// <summary>The problem with a symbol field (s) that is not <paramref name="symbol"/>, or null.</summary>
    public static string? CheckSymbol(ref Utf8JsonReader reader, ReadOnlySpan<byte> symbol) =>
        IsText(ref reader, symbol) ? null : $"the symbol (s) is not {System.Text.Encoding.UTF8.GetString(symbol)}";

    /// <summary>An integer written as a JSON number or as a string of digits.</summary>
    public static bool TryLong(ref Utf8JsonReader reader, out long value)
    {
        if (reader.TokenType == JsonTokenType.Number) return reader.TryGetInt64(out value);
        value = 0;
        return reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped
            && Utf8Parser.TryParse(reader.ValueSpan, out value, out var used) && used == reader.ValueSpan.Length;
    }

    /// <summary>A number written as a JSON number or as a decimal string.</summary>
    public static bool TryDouble(ref Utf8JsonReader reader, out double value)
    {
        if (reader.TokenType == JsonTokenType.Number) return reader.TryGetDouble(out value);
        value = 0;
        return reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped
            && Utf8Parser.TryParse(reader.ValueSpan, out value, out var used) && used == reader.ValueSpan.Length;
    }

    /// <summary>
    /// A decimal read exactly as <see cref="FixedPointDecimal"/> units, from a string ("27123.45") or a plain JSON number
    /// (no exponent); false when it is neither or cannot be held exactly.
    /// </summary>
    public static bool TryUnits(ref Utf8JsonReader reader, out long units)
    {
        units = 0;
        return reader.TokenType is JsonTokenType.String or JsonTokenType.Number && !reader.ValueIsEscaped
            && !reader.HasValueSequence && FixedPointDecimal.TryParse(reader.ValueSpan, out units);
    }

    /// <summary>A true or false value.</summary>
    public static bool TryBool(ref Utf8JsonReader reader, out bool value)
    {
        value = reader.TokenType == JsonTokenType.True;
        return reader.TokenType is JsonTokenType.True or JsonTokenType.False;
    }
}
