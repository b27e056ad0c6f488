using System.Globalization;

namespace Pipelines.Steps.Ingest.BookRecording;

/// <summary>
/// One closed segment of a book recording: the directory <c>&lt;root&gt;/&lt;SYMBOL&gt;/&lt;yyyyMMddHH&gt;</c> holding the
/// hour's Parquet files (see <see cref="BookSegmentFormat"/>). A recorder restarted within an hour writes the rest of
/// that hour as <c>&lt;yyyyMMddHH&gt;-1</c>, <c>-2</c>, …, so names sort in time order. Directories being written are
/// hidden (<c>.&lt;name&gt;.partial</c>) until renamed into place, and never listed.
/// </summary>
public sealed record BookSegment(string Directory, string Symbol, DateTime HourUtc, int Part)
{
    private const string HourFormat = "yyyyMMddHH";

    public string Name => SegmentName(HourUtc, Part);

    public string FilePath(string file) => Path.Combine(Directory, file);

    public static string SegmentName(DateTime hourUtc, int part) =>
        hourUtc.ToString(HourFormat, CultureInfo.InvariantCulture) + (part == 0 ? "" : "-" + part.ToString(CultureInfo.InvariantCulture));

    /// <summary>Reads a segment directory's name; false for anything else (partial segments included).</summary>
    public static bool TryParseName(string name, out DateTime hourUtc, out int part)
    {
        part = 0;
        var dash = name.IndexOf('-');
        var hour = dash < 0 ? name : name[..dash];
        if (!DateTime.TryParseExact(hour, HourFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out hourUtc))
            return false;
        return dash < 0 || int.TryParse(name[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out part) && part > 0;
    }

    /// <summary>Where the segments of <paramref name="symbol"/> under <paramref name="root"/> live.</summary>
    public static string SymbolDirectory(string root, string symbol) => Path.Combine(root, symbol.ToUpperInvariant());

    /// <summary>The closed segments of <paramref name="symbol"/> under <paramref name="root"/>, oldest first; none when the directory is missing.</summary>
    public static IReadOnlyList<BookSegment> List(string root, string symbol)
    {
        var directory = SymbolDirectory(root, symbol);
        if (!System.IO.Directory.Exists(directory)) return [];
        var segments = new List<BookSegment>();
        foreach (var path in System.IO.Directory.EnumerateDirectories(directory))
        {
            var name = Path.GetFileName(path);
            if (TryParseName(name, out var hour, out var part)) segments.Add(new BookSegment(path, symbol.ToUpperInvariant(), hour, part));
        }
        segments.Sort((a, b) => a.HourUtc != b.HourUtc ? a.HourUtc.CompareTo(b.HourUtc) : a.Part.CompareTo(b.Part));
        return segments;
    }
}
