using System.Globalization;

namespace Pipelines.Steps.Book;

/// <summary>
/// Where the order-book segments of a symbol live: <c>&lt;root&gt;/&lt;SYMBOL&gt;/&lt;yyyyMMddHH&gt;/</c>, one directory per
/// UTC hour holding depth.parquet, snapshots.parquet, trades.parquet, book_ticker.parquet and quality.json. A segment
/// is written under a temporary name and renamed into place when complete, so only directories named by ten digits
/// are segments; anything else (a segment being written) is not read.
/// </summary>
public static class BookSegmentLayout
{
    public const string Depth = "depth.parquet";
    public const string Snapshots = "snapshots.parquet";
    public const string Trades = "trades.parquet";
    public const string BookTicker = "book_ticker.parquet";
    public const string Quality = "quality.json";

    private const string HourFormat = "yyyyMMddHH";

    public static string SymbolDirectory(string root, string symbol) => Path.Combine(root, symbol.ToUpperInvariant());

    public static string SegmentName(long hourStartMicros) =>
        DateTime.UnixEpoch.AddTicks(hourStartMicros * TimeSpan.TicksPerMicrosecond).ToString(HourFormat, CultureInfo.InvariantCulture);

    /// <summary>The complete segments of <paramref name="symbol"/> under <paramref name="root"/>, oldest first.</summary>
    /// <exception cref="DirectoryNotFoundException">There is no directory for the symbol.</exception>
    public static IReadOnlyList<string> Segments(string root, string symbol)
    {
        var directory = SymbolDirectory(root, symbol);
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"no order-book segments for {symbol.ToUpperInvariant()}: {directory} does not exist");
        return Directory.GetDirectories(directory)
            .Where(d => IsSegmentName(Path.GetFileName(d)))
            .Order(StringComparer.Ordinal)
            .ToArray();
    }

    public static bool IsSegmentName(string name) =>
        name.Length == HourFormat.Length && name.All(char.IsAsciiDigit)
        && DateTime.TryParseExact(name, HourFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out _);
}
