using System.Globalization;
using Pipelines.Engine.Model;

namespace Pipelines.Cli.Commands;

/// <summary>
/// The <c>--since</c> of <c>pipelines events</c>: how far back, as a duration (<c>30m</c>, <c>24h</c>, <c>7d</c>, counted
/// back from now) or as an ISO 8601 date or date and time (UTC unless it names an offset).
/// </summary>
public static class EventsSince
{
    private static readonly string[] IsoForms =
    [
        "yyyy-MM-dd", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF",
        "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss",
    ];

    /// <summary>The instant (UTC) <paramref name="text"/> names, relative to <paramref name="nowUtc"/> for a duration.</summary>
    /// <exception cref="ArgumentException">Neither a positive duration nor an ISO date/time.</exception>
    public static DateTime Parse(string text, DateTime nowUtc)
    {
        var trimmed = text.Trim();
        if (DurationText.TryParse(trimmed, out var back))
        {
            if (back <= TimeSpan.Zero) throw new ArgumentException($"--since '{text}': a duration back from now must be more than zero");
            return nowUtc - back;
        }
        if (DateTimeOffset.TryParseExact(trimmed, IsoForms, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var instant))
            return instant.UtcDateTime;
        throw new ArgumentException(
            $"--since '{text}' is neither a duration back from now (30m, 24h, 7d) nor an ISO date or date and time (2026-12-01, 2026-12-01T08:00:00Z)");
    }
}
