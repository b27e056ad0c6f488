using System.IO.Compression;
using System.Text;

namespace Pipelines.Steps.Tests.Support;

/// <summary>Builds small dump files in Binance's layouts, plain or zipped.</summary>
public static class DumpFiles
{
    public static string Lines(params string[] lines) => string.Join("\n", lines) + "\n";

    public static byte[] Zip(string entryName, string content)
    {
        using var buffer = new MemoryStream();
        using (var archive = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var entry = archive.CreateEntry(entryName).Open();
            entry.Write(Encoding.UTF8.GetBytes(content));
        }
        return buffer.ToArray();
    }

    /// <summary>A 12-column kline dump line for an open time in the file's own unit; the bar lasts one minute.</summary>
    public static string KlineLine(long openTime, bool microseconds, double open, double high, double low, double close, double volume)
    {
        var closeTime = openTime + (microseconds ? 60_000_000 : 60_000) - 1;
        return FormattableString.Invariant($"{openTime},{open},{high},{low},{close},{volume},{closeTime},{volume * close},7,{volume / 2},{volume / 2 * close},0");
    }
}
