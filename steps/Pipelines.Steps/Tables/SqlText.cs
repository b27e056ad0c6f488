namespace Pipelines.Steps.Tables;

/// <summary>Quoting for the few places DuckDB takes a file name or identifier as text rather than a parameter.</summary>
public static class SqlText
{
    public static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    public static string Identifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
