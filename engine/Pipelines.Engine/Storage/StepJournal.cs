using System.Buffers.Binary;
using System.Numerics;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Pipelines.Engine.Storage;

/// <summary>
/// The write-ahead copy of step records that wait for the store's next group commit. Each record is written
/// with one system call as it is queued, so it is in the operating system's hands before any step that depends
/// on it starts: a process killed at any moment loses nothing, and the next process to open the store puts the
/// records DuckDB had not committed yet into their tables. Only a power loss can take the unwritten tail, and
/// then a checksum per entry keeps the replay to a clean prefix, which is still a consistent store.
/// </summary>
/// <remarks>
/// An entry is <c>[payload length: u32][CRC-32C of the payload: u32][payload]</c>; the payload is the entry's
/// sequence number and its rows per table (step events, artifacts, step outputs, lineage, published events, artifact
/// references), each value tagged with its type so it comes back as the same CLR type.
/// Used under the store's queue lock, so entries are in sequence order.
/// </remarks>
internal sealed class StepJournal : IDisposable
{
    private const int HeaderBytes = 8;
    private const int MaxEntryBytes = 64 << 20;

    private readonly SafeFileHandle _file;
    private readonly MemoryStream _buffer = new();
    private readonly BinaryWriter _writer;
    private long _length;

    public string Path { get; }

    private StepJournal(string path, SafeFileHandle file, long length)
    {
        Path = path;
        _file = file;
        _length = length;
        _writer = new BinaryWriter(_buffer, Encoding.UTF8, leaveOpen: true);
    }

    /// <summary>Bytes written since the journal was last emptied.</summary>
    public long Length => _length;

    public static StepJournal Open(string path)
    {
        var file = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        return new StepJournal(path, file, RandomAccess.GetLength(file));
    }

    /// <summary>Writes one entry: the rows queued by one call, with that call's sequence number.</summary>
    public void Append(long sequence, PendingRows rows)
    {
        _buffer.SetLength(HeaderBytes);
        _buffer.Position = HeaderBytes;
        _writer.Write(sequence);
        WriteRows(rows.StepEvents);
        WriteRows(rows.Artifacts);
        WriteRows(rows.StepOutputs);
        WriteRows(rows.Lineage);
        WriteRows(rows.Events);
        WriteRows(rows.References);
        _writer.Flush();
        var entry = _buffer.GetBuffer().AsSpan(0, (int)_buffer.Length);
        var payload = entry[HeaderBytes..];
        BinaryPrimitives.WriteUInt32LittleEndian(entry, (uint)payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(entry[4..], Checksum(payload));
        try
        {
            RandomAccess.Write(_file, entry, _length);
        }
        catch (IOException e)
        {
            throw new IOException($"cannot write the step journal {Path}: {e.Message}", e);
        }
        _length += entry.Length;
    }

    /// <summary>Every intact entry from the start, in order, up to the first torn or damaged one.</summary>
    public List<(long Sequence, PendingRows Rows)> ReadEntries()
    {
        var entries = new List<(long, PendingRows)>();
        var header = new byte[HeaderBytes];
        long offset = 0;
        while (offset + HeaderBytes <= _length && RandomAccess.Read(_file, header, offset) == HeaderBytes)
        {
            var size = BinaryPrimitives.ReadUInt32LittleEndian(header);
            if (size is 0 or > MaxEntryBytes || offset + HeaderBytes + size > _length) break;
            var payload = new byte[size];
            if (RandomAccess.Read(_file, payload, offset + HeaderBytes) != size) break;
            if (Checksum(payload) != BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(4))) break;
            if (TryDecode(payload) is not { } entry) break;
            entries.Add(entry);
            offset += HeaderBytes + size;
        }
        return entries;
    }

    /// <summary>Empties the journal once everything in it is committed to the database.</summary>
    public void Clear()
    {
        RandomAccess.SetLength(_file, 0);
        _length = 0;
    }

    public void Dispose()
    {
        _writer.Dispose();
        _file.Dispose();
    }

    private void WriteRows(List<object?[]> rows)
    {
        _writer.Write(rows.Count);
        foreach (var row in rows)
        {
            _writer.Write(row.Length);
            foreach (var value in row) WriteValue(value);
        }
    }

    private void WriteValue(object? value)
    {
        switch (value)
        {
            case null: _writer.Write((byte)ValueTag.Null); break;
            case string s: _writer.Write((byte)ValueTag.Text); _writer.Write(s); break;
            case long l: _writer.Write((byte)ValueTag.Int64); _writer.Write(l); break;
            case int i: _writer.Write((byte)ValueTag.Int32); _writer.Write(i); break;
            case double d: _writer.Write((byte)ValueTag.Double); _writer.Write(d); break;
            case bool b: _writer.Write((byte)ValueTag.Boolean); _writer.Write(b); break;
            case DateTime t: _writer.Write((byte)ValueTag.Timestamp); _writer.Write(t.ToBinary()); break;
            default: throw new ArgumentException($"a step record value of type {value.GetType().Name} cannot be journaled");
        }
    }

    private static (long, PendingRows)? TryDecode(byte[] payload)
    {
        try
        {
            using var reader = new BinaryReader(new MemoryStream(payload), Encoding.UTF8);
            var sequence = reader.ReadInt64();
            var rows = new PendingRows();
            ReadRows(reader, rows.StepEvents);
            ReadRows(reader, rows.Artifacts);
            ReadRows(reader, rows.StepOutputs);
            ReadRows(reader, rows.Lineage);
            // Entries written before steps published events end after the lineage.
            if (reader.BaseStream.Position < payload.Length) ReadRows(reader, rows.Events);
            // And those written before steps declared references end after the events.
            if (reader.BaseStream.Position < payload.Length) ReadRows(reader, rows.References);
            return reader.BaseStream.Position == payload.Length ? (sequence, rows) : null;
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException or FormatException or ArgumentException or DecoderFallbackException)
        {
            return null;
        }
    }

    private static void ReadRows(BinaryReader reader, List<object?[]> rows)
    {
        var count = reader.ReadInt32();
        if (count < 0) throw new InvalidDataException("negative row count");
        for (var r = 0; r < count; r++)
        {
            var width = reader.ReadInt32();
            if (width is < 0 or > 64) throw new InvalidDataException("implausible row width");
            var row = new object?[width];
            for (var c = 0; c < width; c++) row[c] = ReadValue(reader);
            rows.Add(row);
        }
    }

    private static object? ReadValue(BinaryReader reader) => (ValueTag)reader.ReadByte() switch
    {
        ValueTag.Null => null,
        ValueTag.Text => reader.ReadString(),
        ValueTag.Int64 => reader.ReadInt64(),
        ValueTag.Int32 => reader.ReadInt32(),
        ValueTag.Double => reader.ReadDouble(),
        ValueTag.Boolean => reader.ReadBoolean(),
        ValueTag.Timestamp => DateTime.FromBinary(reader.ReadInt64()),
        var tag => throw new InvalidDataException($"unknown value tag {(byte)tag}"),
    };

    /// <summary>CRC-32C, eight bytes per hardware step where the processor has one.</summary>
    private static uint Checksum(ReadOnlySpan<byte> data)
    {
        var crc = uint.MaxValue;
        while (data.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }
        foreach (var b in data) crc = BitOperations.Crc32C(crc, b);
        return ~crc;
    }

    private enum ValueTag : byte
    {
        Null,
        Text,
        Int64,
        Int32,
        Double,
        Boolean,
        Timestamp,
    }
}
