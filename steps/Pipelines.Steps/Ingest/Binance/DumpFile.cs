using System.IO.Compression;
using System.Text;

namespace Pipelines.Steps.Ingest.Binance;

/// <summary>
/// Opens a data file as text whether it is plain CSV or a zip holding one CSV, the way data.binance.vision ships
/// them; zips are recognised by their signature, not their name.
/// </summary>
public static class DumpFile
{
    private static ReadOnlySpan<byte> ZipSignature => "PK\u0003\u0004"u8;

    /// <summary>A reader over the CSV text; <paramref name="name"/> becomes "file.zip/inner.csv" for zips, for messages.</summary>
    public static TextReader OpenText(string path, out string name)
    {
        var stream = File.OpenRead(path);
        try
        {
            Span<byte> head = stackalloc byte[4];
            var read = stream.ReadAtLeast(head, 4, throwOnEndOfStream: false);
            stream.Position = 0;
            name = Path.GetFileName(path);
            if (read < 4 || !head.SequenceEqual(ZipSignature))
                return new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);

            var archive = new ZipArchive(stream, ZipArchiveMode.Read);
            var files = archive.Entries.Where(e => !e.FullName.EndsWith('/')).ToList();
            if (files.Count != 1)
            {
                archive.Dispose();
                throw new InvalidDataException($"{name}: a data zip must hold exactly one CSV file, found {files.Count}");
            }
            name = $"{name}/{files[0].FullName}";
            return new ZipEntryReader(archive, files[0]);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Keeps the archive open for as long as its entry is read.</summary>
    private sealed class ZipEntryReader(ZipArchive archive, ZipArchiveEntry entry)
        : StreamReader(entry.Open(), Encoding.UTF8, detectEncodingFromByteOrderMarks: true)
    {
        protected override void Dispose(bool disposing)
        {
            base.Dispose(disposing);
            if (disposing) archive.Dispose();
        }
    }
}
