namespace Pipelines.DuckDb.Tests;

public sealed class ErrorTests
{
    [Fact]
    public void SyntaxErrorCarriesDuckDbsMessageAndType()
    {
        using var db = new TestDatabase();
        var error = Assert.Throws<DuckDbException>(() => db.Connection.Execute("SELEC 1"));

        Assert.Contains("syntax error at or near \"SELEC\"", error.Message);
        Assert.Equal(DuckDbErrorType.Parser, error.ErrorType);
    }

    [Fact]
    public void PrepareErrorCarriesDuckDbsMessage()
    {
        using var db = new TestDatabase();
        var error = Assert.Throws<DuckDbException>(() => db.Connection.Prepare("SELECT * FROM no_such_table WHERE x = $1"));

        Assert.Contains("no_such_table", error.Message);
        Assert.Contains("does not exist", error.Message);
    }

    [Fact]
    public void ConstraintViolationIsReportedAsConstraintError()
    {
        using var db = new TestDatabase();
        db.Connection.Execute("CREATE TABLE t (id INTEGER PRIMARY KEY)");
        db.Connection.ExecuteNonQuery("INSERT INTO t VALUES ($1)", 1);

        var error = Assert.Throws<DuckDbException>(() => db.Connection.ExecuteNonQuery("INSERT INTO t VALUES ($1)", 1));
        Assert.Equal(DuckDbErrorType.Constraint, error.ErrorType);
        Assert.Contains("Duplicate key", error.Message);
    }

    [Fact]
    public void WrongParameterCountIsRejectedBeforeRunning()
    {
        using var db = new TestDatabase();
        db.Connection.Execute("CREATE TABLE t (a INTEGER, b INTEGER)");

        var tooFew = Assert.Throws<ArgumentException>(() => db.Connection.ExecuteNonQuery("INSERT INTO t VALUES ($1, $2)", 1));
        Assert.Contains("2 parameter(s) but 1 value(s)", tooFew.Message);
        Assert.Throws<ArgumentException>(() => db.Connection.Query("SELECT $1", 1, 2));
        Assert.Equal(0L, db.Connection.Scalar<long>("SELECT count(*) FROM t"));
    }

    [Fact]
    public void BindingBeyondTheParametersNamesTheIndex()
    {
        using var db = new TestDatabase();
        using var statement = db.Connection.Prepare("SELECT $1::INTEGER");

        var error = Assert.Throws<DuckDbException>(() => statement.Bind(2, 5L));
        Assert.Contains("parameter 2", error.Message);
        Assert.Throws<DuckDbException>(() => statement.Bind(0, 5L));
    }

    [Fact]
    public void UnbindableValueTypeIsRejected()
    {
        using var db = new TestDatabase();
        var error = Assert.Throws<ArgumentException>(() => db.Connection.Query("SELECT $1", new object()));
        Assert.Contains("System.Object", error.Message);
    }

    [Fact]
    public void RuntimeConversionErrorIsReported()
    {
        using var db = new TestDatabase();
        var error = Assert.Throws<DuckDbException>(() => db.Connection.Scalar<long>("SELECT CAST($1 AS INTEGER)", "abc"));
        Assert.Equal(DuckDbErrorType.Conversion, error.ErrorType);
        Assert.Contains("abc", error.Message);
    }

    [Fact]
    public void UnknownConfigOptionIsRejectedByName()
    {
        var error = Assert.Throws<DuckDbException>(
            () => DuckDbDatabase.Open(":memory:", new Dictionary<string, string> { ["no_such_option"] = "1" }));
        Assert.Contains("no_such_option", error.Message);
    }
}
