using DuckDB.NET.Data;
using Pipelines.Abstractions;

namespace Pipelines.Steps.Tables;

/// <summary>A time column read as epoch milliseconds (UTC), whatever its type: TIMESTAMP(TZ), DATE, or a number already in milliseconds.</summary>
public static class EpochMilliseconds
{
    /// <summary>SQL giving the column's epoch milliseconds; refuses a missing or non-time column naming <paramref name="field"/>.</summary>
    public static string Sql(IReadOnlyList<(string Name, string Type)> columns, string field, string column)
    {
        var type = columns.FirstOrDefault(c => c.Name == column).Type
            ?? throw new StepInputException(field, $"column '{column}' is not in the data (columns: {string.Join(", ", columns.Select(c => c.Name))})");
        var time = SqlText.Identifier(column);
        // epoch_ms of a TIMESTAMPTZ is its UTC instant; a DATE is cast to midnight first.
        return type.StartsWith("TIMESTAMP", StringComparison.Ordinal) ? $"epoch_ms({time})"
            : type == "DATE" ? $"epoch_ms(CAST({time} AS TIMESTAMP))"
            : TableReader.IsNumeric(type) ? $"CAST({time} AS BIGINT)"
            : throw new StepInputException(field, $"column '{column}' is {type}; a timestamp or epoch milliseconds is needed");
    }

    /// <summary>Every row's time in table order, NULL as NaN.</summary>
    public static double[] Read(DuckDBConnection connection, string parquetPath, string field, string column)
    {
        var source = $"read_parquet({SqlText.Literal(parquetPath)})";
        var sql = Sql(TableReader.Describe(connection, parquetPath), field, column);
        var values = new List<double>();
        using var result = ChunkReader.Query(connection, $"SELECT CAST({sql} AS DOUBLE) FROM {source}");
        while (result.Read())
        {
            var data = result.Doubles(0);
            var validity = result.Validity(0);
            for (var row = 0; row < result.RowCount; row++) values.Add(ChunkReader.IsValid(validity, row) ? data[row] : double.NaN);
        }
        return values.ToArray();
    }
}
