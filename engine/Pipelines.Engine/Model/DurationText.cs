using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Pipelines.Engine.Model;

/// <summary>Durations as people write them in configuration: <c>250ms</c>, <c>30s</c>, <c>5m</c>, <c>1h30m</c>, <c>2d</c>.</summary>
public static partial class DurationText
{
    [GeneratedRegex(@"^(?:(\d+(?:\.\d+)?)(ms|d|h|m|s))+$")]
    private static partial Regex Shape();

    [GeneratedRegex(@"(\d+(?:\.\d+)?)(ms|d|h|m|s)")]
    private static partial Regex Part();

    public static bool TryParse(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (!Shape().IsMatch(text)) return false;
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
        return true;
    }

    public static string Format(TimeSpan value)
    {
        if (value == TimeSpan.Zero) return "0s";
        var builder = new StringBuilder();
        if (value.Days > 0) builder.Append(CultureInfo.InvariantCulture, $"{value.Days}d");
        if (value.Hours > 0) builder.Append(CultureInfo.InvariantCulture, $"{value.Hours}h");
        if (value.Minutes > 0) builder.Append(CultureInfo.InvariantCulture, $"{value.Minutes}m");
        if (value.Seconds > 0) builder.Append(CultureInfo.InvariantCulture, $"{value.Seconds}s");
        if (value.Milliseconds > 0) builder.Append(CultureInfo.InvariantCulture, $"{value.Milliseconds}ms");
        return builder.ToString();
    }
}
