using System.Globalization;

namespace Pipelines.Learning.Data;

/// <summary>
/// Reads a headed CSV of numbers into a <see cref="DenseDataset"/>. Empty cells and nan/NaN/NA are missing
/// values (NaN); anything else that is not a number is an error naming file:line:column.
/// </summary>
public static class CsvDatasetReader
{
    /// <summary>
    /// Reads <paramref name="path"/>. The column named <paramref name="labelColumn"/> (if any) becomes the labels;
    /// the features are <paramref name="featureColumns"/> in that order, or else every other column.
    /// </summary>
    public static DenseDataset Read(string path, string? labelColumn, IReadOnlyList<string>? featureColumns = null, char separator = ',')
    {
        ArgumentNullException.ThrowIfNull(path);
        // Knowing the row count up front lets the values go straight into one exact array (no growth copies,
        // which would double the peak memory on large files).
        int lines = CountLines(path);
        using var reader = new StreamReader(path);
        return Read(reader, path, labelColumn, featureColumns, separator, Math.Max(0, lines - 1));
    }

    /// <summary>Reads CSV text from <paramref name="reader"/>; <paramref name="sourceName"/> names it in errors.</summary>
    public static DenseDataset Read(TextReader reader, string sourceName, string? labelColumn, IReadOnlyList<string>? featureColumns = null, char separator = ',')
        => Read(reader, sourceName, labelColumn, featureColumns, separator, 1024);

    private static DenseDataset Read(TextReader reader, string sourceName, string? labelColumn, IReadOnlyList<string>? featureColumns, char separator, int expectedRows)
    {
        ArgumentNullException.ThrowIfNull(reader);
        string? header = reader.ReadLine();
        if (header is null || header.Trim().Length == 0)
            throw new FormatException($"{sourceName}:1: the file is empty; a header line naming the columns is required.");
        string[] columns = header.Split(separator);
        for (int c = 0; c < columns.Length; c++)
        {
            // Spreadsheet exports often quote header names; the data cells are plain numbers.
            string name = columns[c].Trim();
            columns[c] = name.Length >= 2 && name[0] == '"' && name[^1] == '"' ? name[1..^1] : name;
        }
        var columnIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int c = 0; c < columns.Length; c++)
        {
            if (columns[c].Length == 0) throw new FormatException($"{sourceName}:1:{c + 1}: the header has an empty column name.");
            if (!columnIndex.TryAdd(columns[c], c)) throw new FormatException($"{sourceName}:1:{c + 1}: the header repeats the column name '{columns[c]}'.");
        }

        int labelIndex = -1;
        if (labelColumn is not null && !columnIndex.TryGetValue(labelColumn, out labelIndex))
            throw new FormatException($"{sourceName}:1: the label column '{labelColumn}' is not in the header ({string.Join(", ", columns)}).");

        int[] featureIndex;
        string[] featureNames;
        if (featureColumns is null)
        {
            featureIndex = Enumerable.Range(0, columns.Length).Where(c => c != labelIndex).ToArray();
            featureNames = featureIndex.Select(c => columns[c]).ToArray();
        }
        else
        {
            featureIndex = new int[featureColumns.Count];
            featureNames = featureColumns.ToArray();
            for (int f = 0; f < featureColumns.Count; f++)
            {
                if (!columnIndex.TryGetValue(featureColumns[f], out featureIndex[f]) && !TryFindWithUnderscores(columns, featureColumns[f], out featureIndex[f]))
                    throw new FormatException($"{sourceName}:1: the feature column '{featureColumns[f]}' is not in the header.");
            }
        }

        // The column -> feature slot map lets one pass over each line place every cell.
        var slotOfColumn = new int[columns.Length];
        Array.Fill(slotOfColumn, -1);
        for (int f = 0; f < featureIndex.Length; f++) slotOfColumn[featureIndex[f]] = f;

        int width = featureIndex.Length;
        int capacity = Math.Max(1, expectedRows);
        var values = new double[(long)capacity * width];
        var labels = labelIndex >= 0 ? new double[capacity] : null;
        var row = new double[width];
        int lineNumber = 1;
        int rows = 0;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if (line.Length == 0) continue;
            ReadOnlySpan<char> rest = line;
            int column = 0;
            double label = double.NaN;
            while (true)
            {
                int comma = rest.IndexOf(separator);
                ReadOnlySpan<char> cell = comma < 0 ? rest : rest[..comma];
                if (column >= columns.Length)
                    throw new FormatException($"{sourceName}:{lineNumber}:{column + 1}: the row has more cells than the header's {columns.Length} columns.");
                bool wanted = column == labelIndex || slotOfColumn[column] >= 0;
                if (wanted)
                {
                    double value = ParseCell(cell, sourceName, lineNumber, column, columns[column]);
                    if (column == labelIndex) label = value;
                    else row[slotOfColumn[column]] = value;
                }
                column++;
                if (comma < 0) break;
                rest = rest[(comma + 1)..];
            }
            if (column != columns.Length)
                throw new FormatException($"{sourceName}:{lineNumber}:{column}: the row has {column} cells but the header has {columns.Length} columns.");
            if (rows == capacity)
            {
                capacity = checked(capacity * 2);
                Array.Resize(ref values, capacity * width);
                if (labels is not null) Array.Resize(ref labels, capacity);
            }
            row.CopyTo(values, (long)rows * width);
            if (labels is not null) labels[rows] = label;
            rows++;
        }
        if (rows != capacity)
        {
            Array.Resize(ref values, rows * width);
            if (labels is not null) Array.Resize(ref labels, rows);
        }
        return new DenseDataset(values, rows, featureNames, labels);
    }

    private static int CountLines(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var buffer = new byte[1 << 16];
        int lines = 0;
        int read;
        byte last = (byte)'\n';
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            lines += buffer.AsSpan(0, read).Count((byte)'\n');
            last = buffer[read - 1];
        }
        return last == (byte)'\n' ? lines : lines + 1;
    }

    // Models store whitespace in feature names as '_' (their names line is space-separated), so a column
    // "Volume USDT" is the model's feature "Volume_USDT"; accept it when exactly one column matches that way.
    private static bool TryFindWithUnderscores(string[] columns, string wanted, out int index)
    {
        index = -1;
        for (int c = 0; c < columns.Length; c++)
        {
            if (columns[c].Length != wanted.Length) continue;
            bool same = true;
            for (int i = 0; i < wanted.Length && same; i++)
                same = columns[c][i] == wanted[i] || (wanted[i] == '_' && char.IsWhiteSpace(columns[c][i]));
            if (!same) continue;
            if (index >= 0) return false;
            index = c;
        }
        return index >= 0;
    }

    private static double ParseCell(ReadOnlySpan<char> cell, string sourceName, int line, int column, string columnName)
    {
        cell = cell.Trim();
        if (cell.Length == 0 || cell.Equals("nan", StringComparison.OrdinalIgnoreCase) || cell.Equals("NA", StringComparison.Ordinal))
            return double.NaN;
        if (double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)) return value;
        if (cell.Equals("inf", StringComparison.OrdinalIgnoreCase) || cell.Equals("+inf", StringComparison.OrdinalIgnoreCase)) return double.PositiveInfinity;
        if (cell.Equals("-inf", StringComparison.OrdinalIgnoreCase)) return double.NegativeInfinity;
        throw new FormatException($"{sourceName}:{line}:{column + 1}: '{cell.ToString()}' in column '{columnName}' is not a number.");
    }
}
