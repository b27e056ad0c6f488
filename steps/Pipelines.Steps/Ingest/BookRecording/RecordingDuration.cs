using System.Globalization;
using System.Text.RegularExpressions;

namespace Pipelines.Steps.Ingest.BookRecording;

/// <summary>
/// The duration texts of the book steps: amounts with units as pipelines write them elsewhere ("90s", "10m", "1h30m",
/// "250ms", "2d"), or a word the step gives meaning to ("forever" for the recorder, "trade" for the sampler).
/// </summary>
public static partial class RecordingDuration
{
    [GeneratedRegex(@"^(?:(\d+(?:\.\d+)?)(ms|d|h|m|s))+$")]
    private static partial Regex Shape();

    [GeneratedRegex(@"(\d+(?:\.\d+)?)(ms|d|h|m|s)")]
    private static partial Regex Part();

    /// <summary>A positive duration such as "10m"; false for anything else (words included).</summary>
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrEmpty(text) || !Shape().IsMatch(text)) return false;
        foreach (Match match in Part().Matches(text))
        {
            var amount = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            value += match.Groups[2].Value switch
            {
                "ms" => TimeSpan.FromMilliseconds(amount),
                "s" => TimeSpan.FromSeconds(amount),
                "m" => TimeSpan.FromMinutes(amount),
                "h" => TimeSpan.FromHours(amount),
                _ => TimeSpan.FromDays(amount),
            };
        }
        return value > TimeSpan.Zero;
    }
}
