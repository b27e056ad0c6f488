namespace Pipelines.DuckDb.Tests;

public sealed class PreparedStatementTests
{
    // 2024-02-29 13:45:06.123456 UTC: 1 tick = 100 ns, so 123456 µs = 1,234,560 ticks.
    private static readonly DateTime LeapDayMicros = new DateTime(2024, 2, 29, 13, 45, 6, DateTimeKind.Utc).AddTicks(1_234_560);

    [Theory]
    [InlineData(long.MinValue)]
    [InlineData(long.MaxValue)]
    [InlineData(0L)]
    [InlineData(-1L)]
    public void BigIntRoundTripsThroughParameters(long value)
    {
        using var db = new TestDatabase();
        db.Connection.Execute("CREATE TABLE t (v BIGINT)");
        db.Connection.ExecuteNonQuery("INSERT INTO t VALUES ($1)", value);

        Assert.Equal(value, db.Connection.Scalar<long>("SELECT v FROM t"));
        // DuckDB's own comparison confirms the stored value, independently of the read path.
        Assert.True(db.Connection.Scalar<bool>($"SELECT v = CAST('{value}' AS BIGINT) FROM t"));
    }

    [Theory]
    [InlineData(int.MinValue)]
    [InlineData(int.MaxValue)]
    public void IntegerRoundTripsThroughParameters(int value)
    {
        using var db = new TestDatabase();
        db.Connection.Execute("CREATE TABLE t (v INTEGER)");
        using var insert = db.Connection.Prepare("INSERT INTO t VALUES (?)");
        insert.Bind(1, value).ExecuteNonQuery();

        var stored = db.Connection.Query("SELECT v, typeof(v) FROM t").ReadAllRows().Single();
        Assert.Equal((long)value, stored[0]);
        Assert.Equal("INTEGER", stored[1]);
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(-1e308)]
    [InlineData(double.Epsilon)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    [InlineData(double.NaN)]
    public void DoubleRoundTripsThroughParametersIncludingSpecialValues(double value)
    {
        using var db = new TestDatabase();
        db.Connection.Execute("CREATE TABLE t (v DOUBLE)");
        db.Connection.ExecuteNonQuery("INSERT INTO t VALUES ($1)", value);

        var read = db.Connection.Scalar<double>("SELECT v FROM t");
        Assert.Equal(BitConverter.DoubleToInt64Bits(value), BitConverter.DoubleToInt64Bits(read));
    }

    [Theory]
    [InlineData("")]
    [InlineData("twelve bytes")]
    [InlineData("thirteen byte")]
    [InlineData("a string that is clearly longer than twelve bytes")]
    [InlineData("Zürich – 東京 – 🚀")]
    public void VarcharRoundTripsThroughParameters(string value)
    {
        using var db = new TestDatabase();
        db.Connection.Execute("CREATE TABLE t (v VARCHAR)");
        db.Connection.ExecuteNonQuery("INSERT INTO t VALUES ($1)", value);

        Assert.Equal(value, db.Connection.Scalar<string>("SELECT v FROM t"));
        // strlen counts UTF-8 bytes in DuckDB, so this checks the encoding independently of decoding.
        Assert.Equal((long)System.Text.Encoding.UTF8.GetByteCount(value), db.Connection.Scalar<long>("SELECT strlen(v) FROM t"));
    }

    [Fact]
    public void BooleanBlobAndTimestampRoundTripThroughParameters()
    {
        using var db = new TestDatabase();
        db.Connection.Execute("CREATE TABLE t (b BOOLEAN, x BLOB, ts TIMESTAMP)");
        var blob = new byte[] { 0, 1, 2, 255, 0, 128 };
        db.Connection.ExecuteNonQuery("INSERT INTO t VALUES ($1, $2, $3)", true, blob, LeapDayMicros);
        db.Connection.ExecuteNonQuery("INSERT INTO t VALUES ($1, $2, $3)", false, Array.Empty<byte>(), DateTime.UnixEpoch);

        var rows = db.Connection.Query("SELECT b, x, ts FROM t ORDER BY b DESC").ReadAllRows();
        Assert.Equal(true, rows[0][0]);
        Assert.Equal(blob, rows[0][1]);
        var timestamp = Assert.IsType<DateTime>(rows[0][2]);
        Assert.Equal(LeapDayMicros, timestamp);
        Assert.Equal(DateTimeKind.Utc, timestamp.Kind);
        Assert.Equal(false, rows[1][0]);
        Assert.Equal(Array.Empty<byte>(), rows[1][1]);
        Assert.Equal(DateTime.UnixEpoch, rows[1][2]);
        // DuckDB renders the stored timestamp itself: the microseconds arrived intact.
        Assert.Equal("2024-02-29 13:45:06.123456", db.Connection.Scalar<string>("SELECT CAST(ts AS VARCHAR) FROM t WHERE b"));
    }

    [Fact]
    public void TimestampBeforeEpochKeepsMicroseconds()
    {
        using var db = new TestDatabase();
        var value = new DateTime(1969, 12, 31, 23, 59, 59, DateTimeKind.Utc).AddTicks(9_999_990); // .999999
        Assert.Equal("1969-12-31 23:59:59.999999", db.Connection.Scalar<string>("SELECT CAST($1 AS VARCHAR)", value));
        Assert.Equal(value, db.Connection.Scalar<DateTime>("SELECT $1", value));
    }

    [Fact]
    public void LocalDateTimeIsStoredAsUtc()
    {
        using var db = new TestDatabase();
        var utc = new DateTime(2023, 6, 1, 12, 0, 0, DateTimeKind.Utc);
        Assert.Equal(utc, db.Connection.Scalar<DateTime>("SELECT $1", utc.ToLocalTime()));
    }

    [Fact]
    public void NullsOfEveryTypeRoundTrip()
    {
        using var db = new TestDatabase();
        db.Connection.Execute("CREATE TABLE t (a BIGINT, b INTEGER, c DOUBLE, d VARCHAR, e BOOLEAN, f TIMESTAMP, g BLOB, h DECIMAL(10,2), i DATE)");
        using var insert = db.Connection.Prepare("INSERT INTO t VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)");
        for (var i = 1; i <= 9; i++)
        {
            insert.BindNull(i);
        }

        Assert.Equal(1, insert.ExecuteNonQuery());
        Assert.All(db.Connection.Query("SELECT * FROM t").ReadAllRows().Single(), Assert.Null);
        Assert.Equal(9L, db.Connection.Scalar<long>(
            "SELECT (a IS NULL)::INT + (b IS NULL)::INT + (c IS NULL)::INT + (d IS NULL)::INT + (e IS NULL)::INT"
            + " + (f IS NULL)::INT + (g IS NULL)::INT + (h IS NULL)::INT + (i IS NULL)::INT FROM t"));
    }

    [Fact]
    public void DecimalParameterKeepsEveryDigit()
    {
        using var db = new TestDatabase();
        db.Connection.Execute("CREATE TABLE t (v DECIMAL(18,4))");
        db.Connection.ExecuteNonQuery("INSERT INTO t VALUES ($1), ($2)", 12345678901234.5678m, -0.0001m);

        var values = db.Connection.Query("SELECT v FROM t ORDER BY v").ReadAllRows().Select(r => r[0]).ToArray();
        Assert.Equal(new object[] { -0.0001m, 12345678901234.5678m }, values);
        Assert.Equal("12345678901234.5678", db.Connection.Scalar<string>("SELECT max(v)::VARCHAR FROM t"));
    }

    [Fact]
    public void WideIntegersDatesAndFloatsBindByRuntimeType()
    {
        using var db = new TestDatabase();
        var row = db.Connection.Query(
            "SELECT $1::VARCHAR, $2::VARCHAR, $3::VARCHAR, $4::VARCHAR, typeof($5)",
            Int128.MaxValue, ulong.MaxValue, new DateOnly(1999, 12, 31), (short)-5, 1.5f).ReadAllRows().Single();

        Assert.Equal(new object[] { "170141183460469231731687303715884105727", "18446744073709551615", "1999-12-31", "-5", "FLOAT" }, row);
    }

    [Fact]
    public void StatementRunsRepeatedlyWithNewBindings()
    {
        using var db = new TestDatabase();
        db.Connection.Execute("CREATE TABLE t (k INTEGER, v VARCHAR)");
        using var insert = db.Connection.Prepare("INSERT INTO t VALUES ($1, $2)");
        Assert.Equal(2, insert.ParameterCount);
        for (var k = 0; k < 5; k++)
        {
            insert.Bind(1, k).Bind(2, "row " + k).ExecuteNonQuery();
        }

        // Sum of 0..4 = 10.
        Assert.Equal(10L, db.Connection.Scalar<long>("SELECT sum(k) FROM t"));
        Assert.Equal("row 3", db.Connection.Scalar<string>("SELECT v FROM t WHERE k = 3"));
    }

    [Fact]
    public void ClearedBindingsMustBeBoundAgain()
    {
        using var db = new TestDatabase();
        using var select = db.Connection.Prepare("SELECT $1::BIGINT");
        Assert.Equal(7L, select.Bind(1, 7L).Scalar<long>());
        select.ClearBindings();
        var error = Assert.Throws<DuckDbException>(() => select.Execute());
        Assert.Contains("1", error.Message);
    }
}
