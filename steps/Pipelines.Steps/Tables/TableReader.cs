using Pipelines.DuckDb;

namespace Pipelines.Steps.Tables;

/// <summary>Reads columns of a Parquet table artifact into memory through DuckDB's data chunks.</summary>
public static class TableReader
{
    /// <summary>Column names and DuckDB type names, in table order.</summary>
    public static IReadOnlyList<(string Name, string Type)> Describe(DuckDbConnection connection, string parquetPath)
    {
        using var result = connection.Query($"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet({SqlText.Literal(parquetPath)}))");
        return result.ReadAllRows().Select(r => ((string)r[0]!, (string)r[1]!)).ToList();
    }

    /// <summary>Numeric columns as doubles in row order, NULL as NaN; row-major, as the learning library wants.</summary>
    public static double[] ReadNumeric(DuckDbConnection connection, string parquetPath, IReadOnlyList<string> columns, out int rows)
    {
        var select = string.Join(", ", columns.Select(c => $"CAST({SqlText.Identifier(c)} AS DOUBLE)"));
        rows = (int)connection.Scalar<long>($"SELECT count(*) FROM read_parquet({SqlText.Literal(parquetPath)})");
        var values = new double[(long)rows * columns.Count];
        using var result = connection.Query($"SELECT {select} FROM read_parquet({SqlText.Literal(parquetPath)})");
        var offset = 0;
        foreach (var chunk in result.Chunks())
        {
            for (var column = 0; column < columns.Count; column++)
            {
                var vector = chunk.GetColumn(column);
                var data = vector.GetDoubles();
                for (var row = 0; row < chunk.RowCount; row++)
                    values[(long)(offset + row) * columns.Count + column] = vector.IsValid(row) ? data[row] : double.NaN;
            }
            offset += chunk.RowCount;
        }
        return values;
    }

    /// <summary>A column as text in row order (NULL as null), e.g. class labels.</summary>
    public static string?[] ReadText(DuckDbConnection connection, string parquetPath, string column)
    {
        using var result = connection.Query($"SELECT CAST({SqlText.Identifier(column)} AS VARCHAR) FROM read_parquet({SqlText.Literal(parquetPath)})");
        var values = new List<string?>();
        foreach (var chunk in result.Chunks())
        {
            var vector = chunk.GetColumn(0);
            for (var row = 0; row < chunk.RowCount; row++) values.Add(vector.IsValid(row) ? vector.GetString(row) : null);
        }
        return values.ToArray();
    }

    public static bool IsNumeric(string duckDbType) => duckDbType is "DOUBLE" or "FLOAT" or "BIGINT" or "INTEGER" or "SMALLINT" or "TINYINT"
        or "UBIGINT" or "UINTEGER" or "USMALLINT" or "UTINYINT" or "HUGEINT" or "BOOLEAN" || duckDbType.StartsWith("DECIMAL", StringComparison.Ordinal);
}
