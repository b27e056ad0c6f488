namespace Pipelines.Steps.Ingest.Binance;

/// <summary>Binance's kline interval names and their lengths; months are left out because they have no fixed length.</summary>
public static class KlineInterval
{
    private static readonly Dictionary<string, TimeSpan> Lengths = new(StringComparer.Ordinal)
    {
        ["1s"] = TimeSpan.FromSeconds(1),
        ["1m"] = TimeSpan.FromMinutes(1),
        ["3m"] = TimeSpan.FromMinutes(3),
        ["5m"] = TimeSpan.FromMinutes(5),
        ["15m"] = TimeSpan.FromMinutes(15),
        ["30m"] = TimeSpan.FromMinutes(30),
        ["1h"] = TimeSpan.FromHours(1),
        ["2h"] = TimeSpan.FromHours(2),
        ["4h"] = TimeSpan.FromHours(4),
        ["6h"] = TimeSpan.FromHours(6),
        ["8h"] = TimeSpan.FromHours(8),
        ["12h"] = TimeSpan.FromHours(12),
        ["1d"] = TimeSpan.FromDays(1),
        ["3d"] = TimeSpan.FromDays(3),
        ["1w"] = TimeSpan.FromDays(7),
    };

    public static IEnumerable<string> Names => Lengths.Keys;

    public static bool TryParse(string name, out TimeSpan length) => Lengths.TryGetValue(name, out length);

    /// <summary>The interval's length; throws <see cref="ArgumentException"/> naming the accepted values otherwise.</summary>
    public static TimeSpan Parse(string name) =>
        TryParse(name, out var length)
            ? length
            : throw new ArgumentException($"'{name}' is not a Binance kline interval with a fixed length; use one of {string.Join(", ", Lengths.Keys)}", nameof(name));
}
