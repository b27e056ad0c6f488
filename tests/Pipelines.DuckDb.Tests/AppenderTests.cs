namespace Pipelines.DuckDb.Tests;

public sealed class AppenderTests
{
    [Fact]
    public void ValuesOfEveryTypeRoundTripIncludingExtremes()
    {
        using var db = new TestDatabase();
        db.Connection.Execute(
            "CREATE TABLE t (i BIGINT, n INTEGER, d DOUBLE, s VARCHAR, b BOOLEAN, ts TIMESTAMP, x BLOB, m DECIMAL(12,3), day DATE)");
        var timestamp = new DateTime(2001, 9, 9, 1, 46, 40, DateTimeKind.Utc).AddTicks(10); // + 1 µs
        var longText = new string('x', 100) + "é";
        using (var appender = db.Connection.CreateAppender("t"))
        {
            appender.Append(long.MinValue).Append(int.MinValue).Append(double.NegativeInfinity).Append("")
                .Append(false).Append(DateTime.UnixEpoch).Append(Array.Empty<byte>()).Append(-999999999.999m)
                .Append(new DateOnly(1970, 1, 1));
            appender.EndRow();
            appender.Append(long.MaxValue).Append(int.MaxValue).Append(double.NaN).Append(longText)
                .Append(true).Append(timestamp).Append(new byte[] { 1, 0, 255 }).Append(0.001m)
                .Append(new DateOnly(2024, 2, 29));
            appender.EndRow();
            appender.Close();
        }

        var rows = db.Connection.Query("SELECT * FROM t ORDER BY i").ReadAllRows();
        Assert.Equal(new object?[] { long.MinValue, (long)int.MinValue, double.NegativeInfinity, "", false, DateTime.UnixEpoch,
            Array.Empty<byte>(), -999999999.999m, new DateOnly(1970, 1, 1) }, rows[0]);
        Assert.Equal(long.MaxValue, rows[1][0]);
        Assert.Equal((long)int.MaxValue, rows[1][1]);
        Assert.True(double.IsNaN((double)rows[1][2]!));
        Assert.Equal(longText, rows[1][3]);
        Assert.Equal(true, rows[1][4]);
        Assert.Equal(timestamp, rows[1][5]);
        Assert.Equal(new byte[] { 1, 0, 255 }, rows[1][6]);
        Assert.Equal(0.001m, rows[1][7]);
        Assert.Equal(new DateOnly(2024, 2, 29), rows[1][8]);
        // DuckDB's own rendering of what the appender wrote.
        Assert.Equal("2001-09-09 01:46:40.000001", db.Connection.Scalar<string>("SELECT ts::VARCHAR FROM t WHERE b"));
        Assert.Equal(1000000000L, db.Connection.Scalar<long>("SELECT epoch(ts)::BIGINT FROM t WHERE b"));
        Assert.Equal(101L, db.Connection.Scalar<long>("SELECT length(s) FROM t WHERE b"));
    }

    [Fact]
    public void NullsOfEveryTypeAreStored()
    {
        using var db = new TestDatabase();
        db.Connection.Execute("CREATE TABLE t (i BIGINT, d DOUBLE, s VARCHAR, b BOOLEAN, ts TIMESTAMP, x BLOB, m DECIMAL(30,2))");
        using (var appender = db.Connection.CreateAppender("t"))
        {
            for (var row = 0; row < 3; row++)
            {
                // Row 1 holds values, rows 0 and 2 hold NULLs, so masks are per row, not per column.
                if (row == 1)
                {
                    appender.Append(1L).Append(1.5).Append("one").Append(true).Append(DateTime.UnixEpoch).Append(new byte[] { 1 }).Append(1.25m);
                }
                else
                {
                    appender.AppendNull().AppendNull().Append((string?)null).AppendNull().AppendNull().Append((byte[]?)null).AppendNull();
                }

                appender.EndRow();
            }
        }

        Assert.Equal(2L, db.Connection.Scalar<long>(
            "SELECT count(*) FROM t WHERE i IS NULL AND d IS NULL AND s IS NULL AND b IS NULL AND ts IS NULL AND x IS NULL AND m IS NULL"));
        Assert.Equal(1.25m, db.Connection.Scalar<decimal>("SELECT m FROM t WHERE i = 1"));
    }

    [Fact]
    public void ManyRowsSpanSeveralChunksAndAllArrive()
    {
        const int rows = 10_000; // several times DuckDB's 2048-row vector
        using var db = new TestDatabase();
        db.Connection.Execute("CREATE TABLE t (id BIGINT, x DOUBLE, y DOUBLE, label VARCHAR, ts TIMESTAMP)");
        using (var appender = db.Connection.CreateAppender("t"))
        {
            for (var i = 0; i < rows; i++)
            {
                appender.Append((long)i).Append(i * 0.5).Append(-i).Append(i % 7 == 0 ? null : "label-" + i)
                    .Append(DateTime.UnixEpoch.AddSeconds(i));
                appender.EndRow();
            }
        }

        // Sum of 0..9999 = 9999 * 10000 / 2 = 49,995,000; multiples of 7 below 10000: 0..9996 -> 1429 values.
        Assert.Equal(rows, db.Connection.Scalar<long>("SELECT count(*) FROM t"));
        Assert.Equal(49_995_000L, db.Connection.Scalar<long>("SELECT sum(id) FROM t"));
        Assert.Equal(24_997_500.0, db.Connection.Scalar<double>("SELECT sum(x) FROM t"));
        Assert.Equal(1429L, db.Connection.Scalar<long>("SELECT count(*) FROM t WHERE label IS NULL"));
        Assert.Equal(0L, db.Connection.Scalar<long>("SELECT count(*) FROM t WHERE label IS NOT NULL AND label <> 'label-' || id"));
        Assert.Equal(0L, db.Connection.Scalar<long>("SELECT count(*) FROM t WHERE epoch(ts) <> id"));
    }

    [Fact]
    public void NarrowWideAndZonedColumnsAcceptLosslessValues()
    {
        using var db = new TestDatabase();
        db.Connection.Execute("CREATE TABLE t (a TINYINT, b UINTEGER, c FLOAT, d HUGEINT, e TIMESTAMPTZ, f DOUBLE, g DECIMAL(4,1))");
        var zoned = new DateTime(2022, 3, 4, 5, 6, 7, DateTimeKind.Utc);
        using (var appender = db.Connection.CreateAppender("t"))
        {
            appender.Append(-128L).Append(4_294_967_295L).Append(0.5).Append(Int128.MinValue).Append(zoned).Append(3L).Append(-999.9m);
            appender.EndRow();
        }

        var row = db.Connection.Query("SELECT * FROM t").ReadAllRows().Single();
        Assert.Equal(new object[] { -128L, 4_294_967_295L, 0.5, Int128.MinValue, zoned, 3.0, -999.9m }, row);
        Assert.Equal("-170141183460469231731687303715884105728", db.Connection.Scalar<string>("SELECT d::VARCHAR FROM t"));
    }

    [Fact]
    public void DecimalWithMoreDigitsThanTheColumnIsRejected()
    {
        using var db = new TestDatabase();
        db.Connection.Execute("CREATE TABLE t (m DECIMAL(4,1))");
        using var appender = db.Connection.CreateAppender("t");
        var error = Assert.Throws<DuckDbException>(() => appender.Append(1000m));
        Assert.Contains("DECIMAL(4,1)", error.Message);
    }

    [Fact]
    public void FlushMakesRowsVisibleBeforeClose()
    {
        using var db = new TestDatabase();
        db.Connection.Execute("CREATE TABLE t (v INTEGER)");
        using var appender = db.Connection.CreateAppender("t");
        appender.Append(1).EndRow();
        appender.Append(2).EndRow();
        appender.Flush();

        Assert.Equal(3L, db.Connection.Scalar<long>("SELECT sum(v) FROM t"));
    }

    [Fact]
    public void AppenderAddressesATableInASchema()
    {
        using var db = new TestDatabase();
        db.Connection.Execute("CREATE SCHEMA s; CREATE TABLE s.t (v VARCHAR)");
        using (var appender = db.Connection.CreateAppender("t", "s"))
        {
            appender.Append("in schema").EndRow();
        }

        Assert.Equal("in schema", db.Connection.Scalar<string>("SELECT v FROM s.t"));
    }

    [Fact]
    public void ValueOfTheWrongTypeIsRejectedNamingTheColumn()
    {
        using var db = new TestDatabase();
        db.Connection.Execute("CREATE TABLE t (a BIGINT, b VARCHAR)");
        using var appender = db.Connection.CreateAppender("t");
        var error = Assert.Throws<DuckDbException>(() => appender.Append("not a number"));

        Assert.Equal(DuckDbErrorType.MismatchType, error.ErrorType);
        Assert.Contains("Column 0", error.Message);
        Assert.Contains("BIGINT", error.Message);
    }

    [Fact]
    public void IntegerOutOfTheColumnsRangeIsRejected()
    {
        using var db = new TestDatabase();
        db.Connection.Execute("CREATE TABLE t (a SMALLINT)");
        using var appender = db.Connection.CreateAppender("t");
        var error = Assert.Throws<DuckDbException>(() => appender.Append(40_000L));

        Assert.Equal(DuckDbErrorType.OutOfRange, error.ErrorType);
        Assert.Contains("40000", error.Message);
    }

    [Fact]
    public void IncompleteAndOverfullRowsAreRejected()
    {
        using var db = new TestDatabase();
        db.Connection.Execute("CREATE TABLE t (a BIGINT, b BIGINT)");
        using var appender = db.Connection.CreateAppender("t");
        appender.Append(1L);
        Assert.Throws<InvalidOperationException>(appender.EndRow);
        appender.Append(2L);
        Assert.Throws<InvalidOperationException>(() => appender.Append(3L));
        appender.EndRow();
        appender.Close();

        Assert.Equal(3L, db.Connection.Scalar<long>("SELECT a + b FROM t"));
    }

    [Fact]
    public void ConstraintViolationSurfacesWithDuckDbsMessage()
    {
        using var db = new TestDatabase();
        db.Connection.Execute("CREATE TABLE t (a BIGINT NOT NULL)");
        var appender = db.Connection.CreateAppender("t");
        appender.AppendNull().EndRow();

        var error = Assert.Throws<DuckDbException>(appender.Close);
        Assert.Contains("NOT NULL", error.Message);
        appender.Dispose();
        Assert.Equal(0L, db.Connection.Scalar<long>("SELECT count(*) FROM t"));
    }

    [Fact]
    public void MissingTableGivesDuckDbsCatalogError()
    {
        using var db = new TestDatabase();
        var error = Assert.Throws<DuckDbException>(() => db.Connection.CreateAppender("missing"));
        Assert.Contains("missing", error.Message);
    }

    [Fact]
    public void DisposeWritesCompleteRowsAndDropsAnIncompleteOne()
    {
        using var db = new TestDatabase();
        db.Connection.Execute("CREATE TABLE t (a BIGINT, b BIGINT)");
        var appender = db.Connection.CreateAppender("t");
        appender.Append(1L).Append(2L).EndRow();
        appender.Append(3L);
        appender.Dispose();
        appender.Dispose();

        Assert.Equal(1L, db.Connection.Scalar<long>("SELECT count(*) FROM t"));
        Assert.Throws<ObjectDisposedException>(() => appender.Append(4L));
    }
}
