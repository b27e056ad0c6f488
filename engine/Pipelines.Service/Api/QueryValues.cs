using System.Globalization;

namespace Pipelines.Service.Api;

/// <summary>
/// Query values the endpoints share, parsed by hand so that a bad value answers 400 naming its field rather than
/// the framework's bare 400.
/// </summary>
public static class QueryValues
{
    public const int MaxDays = 3650;

    /// <summary>A whole number of days in [1, <see cref="MaxDays"/>]; <paramref name="fallback"/> when absent.</summary>
    public static bool TryDays(string? text, int fallback, out int days, out string error)
    {
        error = "";
        days = fallback;
        if (string.IsNullOrEmpty(text)) return true;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out days) && days is >= 1 and <= MaxDays) return true;
        error = $"must be a whole number of days from 1 to {MaxDays}, not '{text}'";
        return false;
    }

    /// <summary>A count in [1, <paramref name="max"/>]; <paramref name="fallback"/> when absent.</summary>
    public static bool TryLimit(string? text, int fallback, int max, out int limit, out string error)
    {
        error = "";
        limit = fallback;
        if (string.IsNullOrEmpty(text)) return true;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out limit) && limit >= 1 && limit <= max) return true;
        error = $"must be a whole number from 1 to {max}, not '{text}'";
        return false;
    }

    /// <summary>
    /// An instant: an ISO 8601 date or date-time (UTC unless it carries an offset), or a duration back from
    /// <paramref name="now"/> written as a number and a unit: <c>90m</c>, <c>24h</c>, <c>7d</c>.
    /// </summary>
    public static bool TrySince(string? text, DateTimeOffset now, out DateTime? since, out string error)
    {
        error = "";
        since = null;
        if (string.IsNullOrEmpty(text)) return true;
        if (text.Length >= 2 && char.IsAsciiLetter(text[^1])
            && long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var amount) && amount <= 100_000)
        {
            TimeSpan? back = char.ToLowerInvariant(text[^1]) switch
            {
                'm' => TimeSpan.FromMinutes(amount),
                'h' => TimeSpan.FromHours(amount),
                'd' => TimeSpan.FromDays(amount),
                _ => null,
            };
            if (back is { } span)
            {
                since = (now - span).UtcDateTime;
                return true;
            }
        }
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
        {
            since = at.UtcDateTime;
            return true;
        }
        error = $"must be an ISO 8601 date-time (2026-01-31T12:00:00Z) or a duration back from now (90m, 24h, 7d), not '{text}'";
        return false;
    }
}
