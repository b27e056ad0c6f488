namespace Pipelines.Steps.Ingest.Binance;

/// <summary>
/// Splits a text stream into lines held in one reused buffer, so reading a multi-gigabyte dump allocates only when a
/// line is longer than any before it. A returned line stays valid until the next call. Accepts "\n" and "\r\n".
/// </summary>
public sealed class TextLineReader(TextReader reader, int initialCapacity = 64 * 1024) : IDisposable
{
    private char[] _buffer = new char[Math.Max(initialCapacity, 2)];
    private int _start;
    private int _end;
    private bool _endOfText;

    public bool TryReadLine(out ReadOnlyMemory<char> line)
    {
        var scanFrom = _start;
        while (true)
        {
            var newline = Array.IndexOf(_buffer, '\n', scanFrom, _end - scanFrom);
            if (newline >= 0)
            {
                line = Trimmed(_start, newline);
                _start = newline + 1;
                return true;
            }
            if (_endOfText)
            {
                if (_start == _end)
                {
                    line = default;
                    return false;
                }
                line = Trimmed(_start, _end);
                _start = _end;
                return true;
            }
            scanFrom = _end - _start;
            Refill();
        }
    }

    /// <summary>Moves the unfinished line to the front and reads more after it, doubling the buffer when the line fills it.</summary>
    private void Refill()
    {
        var pending = _end - _start;
        if (pending == _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2);
        else if (_start > 0) Array.Copy(_buffer, _start, _buffer, 0, pending);
        _start = 0;
        _end = pending;
        var read = reader.Read(_buffer, _end, _buffer.Length - _end);
        if (read == 0) _endOfText = true;
        _end += read;
    }

    private ReadOnlyMemory<char> Trimmed(int start, int end)
    {
        if (end > start && _buffer[end - 1] == '\r') end--;
        return new ReadOnlyMemory<char>(_buffer, start, end - start);
    }

    public void Dispose() => reader.Dispose();
}
