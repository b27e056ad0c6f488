namespace Pipelines.DuckDb.Tests;

public sealed class DisposalTests
{
    [Fact]
    public void EveryObjectDisposesTwiceAndThenRefusesUse()
    {
        var database = DuckDbDatabase.Open("");
        var connection = database.Connect();
        connection.Execute("CREATE TABLE t (v INTEGER); INSERT INTO t VALUES (1)");
        var statement = connection.Prepare("SELECT v FROM t");
        var result = connection.Query("SELECT v FROM t");
        Assert.True(result.TryFetchChunk(out var chunk));
        var vector = chunk.GetColumn(0);
        var appender = connection.CreateAppender("t");

        chunk.Dispose();
        chunk.Dispose();
        Assert.Throws<ObjectDisposedException>(() => chunk.GetColumn(0));
        Assert.Throws<ObjectDisposedException>(() => vector.GetInt32s());
        Assert.Throws<ObjectDisposedException>(() => vector.IsValid(0));

        result.Dispose();
        result.Dispose();
        Assert.Throws<ObjectDisposedException>(() => result.TryFetchChunk(out _));
        Assert.Throws<ObjectDisposedException>(() => result.ColumnName(0));

        statement.Dispose();
        statement.Dispose();
        Assert.Throws<ObjectDisposedException>(() => statement.Execute());
        Assert.Throws<ObjectDisposedException>(() => statement.Bind(1, 1L));

        appender.Dispose();
        appender.Dispose();
        Assert.Throws<ObjectDisposedException>(() => appender.AppendNull());
        Assert.Throws<ObjectDisposedException>(appender.Flush);

        connection.Dispose();
        connection.Dispose();
        Assert.Throws<ObjectDisposedException>(() => connection.Execute("SELECT 1"));
        Assert.Throws<ObjectDisposedException>(() => connection.Prepare("SELECT 1"));
        Assert.Throws<ObjectDisposedException>(() => connection.CreateAppender("t"));

        database.Dispose();
        database.Dispose();
        Assert.Throws<ObjectDisposedException>(database.Connect);
    }

    [Fact]
    public void ResultOutlivesItsStatementAndConnection()
    {
        using var database = DuckDbDatabase.Open(":memory:");
        DuckDbResult result;
        using (var connection = database.Connect())
        using (var statement = connection.Prepare("SELECT range FROM range(3000)"))
        {
            result = statement.Execute();
        }

        using (result)
        {
            Assert.Equal(3000, result.ReadAllRows().Count);
        }
    }
}
