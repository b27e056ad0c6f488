namespace Pipelines.DuckDb.Tests;

/// <summary>An in-memory database with one open connection, for tests that need nothing else.</summary>
internal sealed class TestDatabase : IDisposable
{
    public TestDatabase()
    {
        Database = DuckDbDatabase.Open(":memory:", new Dictionary<string, string> { ["threads"] = "1" });
        Connection = Database.Connect();
    }

    public DuckDbDatabase Database { get; }

    public DuckDbConnection Connection { get; }

    public void Dispose()
    {
        Connection.Dispose();
        Database.Dispose();
    }
}
