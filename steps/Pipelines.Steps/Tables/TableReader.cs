using DuckDB.NET.Data;

namespace Pipelines.Steps.Tables;

/// <summary>Reads columns of a Parquet table artifact into memory: numbers through DuckDB's data chunks, text through ADO.NET.</summary>
public static class TableReader
{
    /// <summary>Column names and DuckDB type names, in table order.</summary>
    public static IReadOnlyList<(string Name, string Type)> Describe(DuckDBConnection connection, string parquetPath) => connection
        .Rows($"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet({SqlText.Literal(parquetPath)}))")
        .Select(r => ((string)r[0]!, (string)r[1]!)).ToList();

    /// <summary>Numeric columns as doubles in row order, NULL as NaN; row-major, as the learning library wants.</summary>
    public static double[] ReadNumeric(DuckDBConnection connection, string parquetPath, IReadOnlyList<string> columns, out int rows)
    {
        var select = string.Join(", ", columns.Select(c => $"CAST({SqlText.Identifier(c)} AS DOUBLE)"));
        rows = (int)connection.Scalar<long>($"SELECT count(*) FROM read_parquet({SqlText.Literal(parquetPath)})");
        var values = new double[(long)rows * columns.Count];
        using var result = ChunkReader.Query(connection, $"SELECT {select} FROM read_parquet({SqlText.Literal(parquetPath)})");
        var offset = 0;
        while (result.Read())
        {
            for (var column = 0; column < columns.Count; column++)
            {
                var data = result.Doubles(column);
                var validity = result.Validity(column);
                for (var row = 0; row < result.RowCount; row++)
                    values[(long)(offset + row) * columns.Count + column] = ChunkReader.IsValid(validity, row) ? data[row] : double.NaN;
            }
            offset += result.RowCount;
        }
        return values;
    }

    /// <summary>A column as text in row order (NULL as null), e.g. class labels.</summary>
    public static string?[] ReadText(DuckDBConnection connection, string parquetPath, string column)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT CAST({SqlText.Identifier(column)} AS VARCHAR) AS text FROM read_parquet({SqlText.Literal(parquetPath)})";
        using var reader = command.ExecuteReader();
        var values = new List<string?>();
        while (reader.Read()) values.Add(reader.IsDBNull(0) ? null : reader.GetString(0));
        return values.ToArray();
    }

    public static bool IsNumeric(string duckDbType) => duckDbType is "DOUBLE" or "FLOAT" or "BIGINT" or "INTEGER" or "SMALLINT" or "TINYINT"
        or "UBIGINT" or "UINTEGER" or "USMALLINT" or "UTINYINT" or "HUGEINT" or "BOOLEAN" || duckDbType.StartsWith("DECIMAL", StringComparison.Ordinal);
}
