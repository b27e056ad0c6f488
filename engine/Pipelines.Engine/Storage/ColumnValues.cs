using System.Data.Common;

namespace Pipelines.Engine.Storage;

/// <summary>
/// A result row's values read by column name, so that a mapping stays right whatever order a query or a migration
/// gives the columns. DuckDB's TIMESTAMP carries no zone; the store writes UTC, so it reads UTC back.
/// </summary>
internal static class ColumnValues
{
    public static string Text(this DbDataReader row, string column) => row.GetString(row.GetOrdinal(column));

    public static string? TextOrNull(this DbDataReader row, string column) =>
        row.GetOrdinal(column) is var i && row.IsDBNull(i) ? null : row.GetString(i);

    public static long Integer(this DbDataReader row, string column) => Convert.ToInt64(row.GetValue(row.GetOrdinal(column)));

    public static long? IntegerOrNull(this DbDataReader row, string column) =>
        row.GetOrdinal(column) is var i && row.IsDBNull(i) ? null : Convert.ToInt64(row.GetValue(i));

    public static double? RealOrNull(this DbDataReader row, string column) =>
        row.GetOrdinal(column) is var i && row.IsDBNull(i) ? null : Convert.ToDouble(row.GetValue(i));

    public static bool Flag(this DbDataReader row, string column) => row.GetBoolean(row.GetOrdinal(column));

    public static bool? FlagOrNull(this DbDataReader row, string column) =>
        row.GetOrdinal(column) is var i && row.IsDBNull(i) ? null : row.GetBoolean(i);

    public static DateTime Time(this DbDataReader row, string column) =>
        DateTime.SpecifyKind(row.GetDateTime(row.GetOrdinal(column)), DateTimeKind.Utc);

    public static DateTime? TimeOrNull(this DbDataReader row, string column) =>
        row.GetOrdinal(column) is var i && row.IsDBNull(i) ? null : DateTime.SpecifyKind(row.GetDateTime(i), DateTimeKind.Utc);
}
