namespace Pipelines.Engine.Storage;

/// <summary>A PostgreSQL failure in one line for a command's error message, never quoting a connection string.</summary>
public static class PostgresFailure
{
    public static string Describe(Exception e) => PostgresConnections.Reason(e);
}
