namespace Pipelines.Steps.Ingest.Binance;

/// <summary>
/// Binance's price and quantity strings ("0.00012340", "27123.45000000") read exactly as fixed-point integers with
/// <see cref="Scale"/> = 10^8 units per 1, the eight decimals Binance quotes at most. Text is parsed digit by digit,
/// never through a float, so "0.1" is exactly 10,000,000 units and equal prices compare equal as integers.
/// Accepted: digits with an optional '.' and fraction; more than eight fraction digits only when the extra ones are
/// zeros. Refused: signs, exponents, empty parts ("." or ""), anything above <see cref="long.MaxValue"/> units.
/// </summary>
public static class FixedPointDecimal
{
    public const int Decimals = 8;
    public const long Scale = 100_000_000;

    public static bool TryParse(ReadOnlySpan<byte> text, out long units)
    {
        units = 0;
        if (text.IsEmpty) return false;
        long whole = 0;
        var i = 0;
        var digits = 0;
        for (; i < text.Length && text[i] != (byte)'.'; i++, digits++)
        {
            var d = text[i] - '0';
            if ((uint)d > 9) return false;
            if (whole > (long.MaxValue / Scale - d) / 10) return false;
            whole = whole * 10 + d;
        }
        long fraction = 0;
        var fractionDigits = 0;
        if (i < text.Length)
        {
            for (i++; i < text.Length; i++, fractionDigits++)
            {
                var d = text[i] - '0';
                if ((uint)d > 9) return false;
                if (fractionDigits < Decimals) fraction = fraction * 10 + d;
                else if (d != 0) return false; // finer than 10^-8 cannot be held exactly
            }
            if (fractionDigits == 0) return false;
        }
        if (digits == 0 && fractionDigits == 0) return false;
        for (var k = Math.Min(fractionDigits, Decimals); k < Decimals; k++) fraction *= 10;
        // whole is at most long.MaxValue / Scale, so only the fraction can carry past long.MaxValue, and then the sum wraps negative.
        units = whole * Scale + fraction;
        return units >= 0;
    }

    /// <summary>The same for text already decoded; longer than 64 characters is refused (no Binance number is).</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out long units)
    {
        Span<byte> bytes = stackalloc byte[64];
        units = 0;
        if (text.Length > bytes.Length) return false;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] > 127) return false;
            bytes[i] = (byte)text[i];
        }
        return TryParse(bytes[..text.Length], out units);
    }

    /// <summary>Parses <paramref name="text"/> or throws <see cref="FormatException"/> naming <paramref name="field"/>.</summary>
    public static long Parse(string text, string field) =>
        TryParse(text.AsSpan(), out var units)
            ? units
            : throw new FormatException($"{field}: '{text}' is not a non-negative decimal with at most {Decimals} significant decimals");

    public static decimal ToDecimal(long units) => units / (decimal)Scale;

    public static double ToDouble(long units) => units / (double)Scale;

    /// <summary>The canonical text: no trailing fraction zeros, no '.' for whole numbers.</summary>
    public static string Format(long units) =>
        ToDecimal(units).ToString("0.########", System.Globalization.CultureInfo.InvariantCulture);
}
