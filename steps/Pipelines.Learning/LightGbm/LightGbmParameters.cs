using System.Globalization;

namespace Pipelines.Learning.LightGbm;

/// <summary>
/// LightGBM parameters exactly as given, by LightGBM's own names or aliases: every name checked against
/// LightGBM's list, no parameter given twice under two of its names, values passed through untouched.
/// </summary>
public sealed class LightGbmParameters
{
    private readonly List<KeyValuePair<string, string>> _entries;

    private LightGbmParameters(List<KeyValuePair<string, string>> entries) => _entries = entries;

    public IReadOnlyList<KeyValuePair<string, string>> Entries => _entries;

    /// <summary>Checks <paramref name="given"/> (name to value); throws <see cref="ArgumentException"/> naming the parameter at fault.</summary>
    public static LightGbmParameters From(IEnumerable<KeyValuePair<string, string>> given)
    {
        ArgumentNullException.ThrowIfNull(given);
        var entries = new List<KeyValuePair<string, string>>();
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (rawName, rawValue) in given)
        {
            var name = rawName.Trim();
            if (LightGbmParameterNames.Problem(name) is { } problem) throw new ArgumentException(problem);
            var canonical = LightGbmParameterNames.Canonical(name)!;
            if (seen.TryGetValue(canonical, out var earlier))
                throw new ArgumentException(earlier == name
                    ? $"LightGBM parameter '{name}' is given twice"
                    : $"LightGBM parameter '{canonical}' is given twice, as '{earlier}' and as '{name}'");
            seen[canonical] = name;
            var value = (rawValue ?? "").Trim();
            // LightGBM reads its parameters as one space-separated "name=value" line.
            if (value.Length == 0 || value.Any(char.IsWhiteSpace))
                throw new ArgumentException($"LightGBM parameter '{name}' = '{rawValue}': a value must be one word without spaces");
            entries.Add(new(name, value));
        }
        return new LightGbmParameters(entries);
    }

    /// <summary>The value given under the parameter's name or any of its aliases; null when not given.</summary>
    public string? Get(string canonical) =>
        _entries.FirstOrDefault(e => LightGbmParameterNames.Canonical(e.Key) == canonical).Value;

    public bool Has(string canonical) => Get(canonical) is not null;

    /// <summary>These parameters with <paramref name="canonical"/> set to <paramref name="value"/> unless it is already given.</summary>
    public LightGbmParameters WithDefault(string canonical, string value) =>
        Has(canonical) ? this : new LightGbmParameters([.. _entries, new(canonical, value)]);

    /// <summary>These parameters with <paramref name="canonical"/> set to <paramref name="value"/>, replacing it under any name.</summary>
    public LightGbmParameters With(string canonical, string value) =>
        new([.. _entries.Where(e => LightGbmParameterNames.Canonical(e.Key) != canonical), new(canonical, value)]);

    public int GetInt(string canonical, int fallback)
    {
        var text = Get(canonical);
        if (text is null) return fallback;
        return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new ArgumentException($"LightGBM parameter '{canonical}' = '{text}': expected a whole number");
    }

    public double GetDouble(string canonical, double fallback)
    {
        var text = Get(canonical);
        if (text is null) return fallback;
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new ArgumentException($"LightGBM parameter '{canonical}' = '{text}': expected a number");
    }

    public bool GetBool(string canonical, bool fallback) => Get(canonical)?.ToLowerInvariant() switch
    {
        null => fallback,
        "true" or "1" or "+" => true,
        "false" or "0" or "-" => false,
        var text => throw new ArgumentException($"LightGBM parameter '{canonical}' = '{text}': expected true or false"),
    };

    /// <summary>The parameters as LightGBM reads them: "name=value" separated by spaces.</summary>
    public override string ToString() => string.Join(' ', _entries.Select(e => $"{e.Key}={e.Value}"));
}
