using System.Globalization;

namespace Pipelines.Steps.Ingest.Binance;

/// <summary>
/// The fields of one unquoted CSV line, found without allocating. Parse failures name the file, line and column so a
/// bad row in a multi-million-line dump can be found.
/// </summary>
public sealed class CsvLine(string file)
{
    private Range[] _fields = new Range[16];
    private ReadOnlyMemory<char> _line;

    public int Count { get; private set; }
    public long Number { get; private set; }

    public void Load(string line, long number) => Load(line.AsMemory(), number);

    /// <summary>Keeps a reference to <paramref name="line"/>: its characters must stay unchanged while fields are read.</summary>
    public void Load(ReadOnlyMemory<char> line, long number)
    {
        _line = line;
        Number = number;
        Count = 0;
        var start = 0;
        var text = line.Span;
        for (var i = 0; i <= text.Length; i++)
        {
            if (i < text.Length && text[i] != ',') continue;
            if (Count == _fields.Length) Array.Resize(ref _fields, Count * 2);
            _fields[Count++] = new Range(start, i);
            start = i + 1;
        }
    }

    public ReadOnlySpan<char> this[int index] => _line.Span[_fields[index]].Trim();

    public string Name(int index) => this[index].Trim('"').ToString();

    public bool IsInteger(int index) => long.TryParse(this[index], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _);

    public long Long(int index, string column) =>
        long.TryParse(this[index], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Bad(index, column, "an integer");

    /// <summary>Accepts "NaN": such rows are counted and dropped by the quality check rather than failing the file.</summary>
    public double Double(int index, string column) =>
        double.TryParse(this[index], NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Bad(index, column, "a number");

    public bool Bool(int index, string column) =>
        bool.TryParse(this[index], out var value) ? value : throw Bad(index, column, "true or false");

    public InvalidDataException Error(string message) => new($"{file} line {Number}: {message}");

    private InvalidDataException Bad(int index, string column, string expected) =>
        Error($"column {index + 1} ({column}) is '{this[index].ToString()}', expected {expected}");
}
