namespace Pipelines.DuckDb.Tests;

public sealed class TransactionTests
{
    [Fact]
    public void CommitKeepsChanges()
    {
        using var db = new TestDatabase();
        db.Connection.Execute("CREATE TABLE t (v INTEGER)");
        using (var transaction = db.Connection.BeginTransaction())
        {
            db.Connection.ExecuteNonQuery("INSERT INTO t VALUES ($1)", 1);
            transaction.Commit();
        }

        Assert.Equal(1L, db.Connection.Scalar<long>("SELECT count(*) FROM t"));
    }

    [Fact]
    public void RollbackDiscardsChanges()
    {
        using var db = new TestDatabase();
        db.Connection.Execute("CREATE TABLE t (v INTEGER)");
        using (var transaction = db.Connection.BeginTransaction())
        {
            db.Connection.ExecuteNonQuery("INSERT INTO t VALUES ($1)", 1);
            transaction.Rollback();
        }

        Assert.Equal(0L, db.Connection.Scalar<long>("SELECT count(*) FROM t"));
    }

    [Fact]
    public void DisposingWithoutCommitRollsBackIncludingAppendedRows()
    {
        using var db = new TestDatabase();
        db.Connection.Execute("CREATE TABLE t (v INTEGER)");
        using (db.Connection.BeginTransaction())
        {
            db.Connection.ExecuteNonQuery("INSERT INTO t VALUES ($1)", 1);
            using var appender = db.Connection.CreateAppender("t");
            appender.Append(2).EndRow();
            appender.Close();
            Assert.Equal(2L, db.Connection.Scalar<long>("SELECT count(*) FROM t"));
        }

        Assert.Equal(0L, db.Connection.Scalar<long>("SELECT count(*) FROM t"));
    }

    [Fact]
    public void UncommittedChangesAreInvisibleToOtherConnections()
    {
        using var db = new TestDatabase();
        using var other = db.Database.Connect();
        db.Connection.Execute("CREATE TABLE t (v INTEGER)");
        using var transaction = db.Connection.BeginTransaction();
        db.Connection.ExecuteNonQuery("INSERT INTO t VALUES ($1)", 1);

        Assert.Equal(0L, other.Scalar<long>("SELECT count(*) FROM t"));
        transaction.Commit();
        Assert.Equal(1L, other.Scalar<long>("SELECT count(*) FROM t"));
    }

    [Fact]
    public void CompletingTwiceIsRejected()
    {
        using var db = new TestDatabase();
        var transaction = db.Connection.BeginTransaction();
        transaction.Commit();
        Assert.Throws<InvalidOperationException>(transaction.Rollback);
        transaction.Dispose();
        transaction.Dispose();
    }
}
