namespace Pipelines.DuckDb.Tests;

public sealed class ResultReadingTests
{
    [Fact]
    public void ChunksCoverEveryRowOfALargeResult()
    {
        using var db = new TestDatabase();
        using var result = db.Connection.Query("SELECT range AS id, range * 0.5 AS half FROM range(10000)");
        Assert.Equal(2, result.ColumnCount);
        Assert.Equal("id", result.ColumnName(0));
        Assert.Equal(DuckDbType.BigInt, result.ColumnType(0));
        Assert.Equal(DuckDbType.Decimal, result.ColumnType(1));

        long sum = 0;
        long rows = 0;
        var chunks = 0;
        long expectedNext = 0;
        foreach (var chunk in result.Chunks())
        {
            chunks++;
            var ids = chunk.GetColumn(0).GetInt64s();
            for (var i = 0; i < ids.Length; i++)
            {
                Assert.Equal(expectedNext++, ids[i]);
                sum += ids[i];
            }

            rows += chunk.RowCount;
        }

        Assert.Equal(10_000, rows);
        Assert.Equal(49_995_000L, sum); // 9999 * 10000 / 2
        Assert.True(chunks >= 5, $"10000 rows in {chunks} chunk(s) of at most 2048");
    }

    [Fact]
    public void TypedSpansAndValidityReflectNulls()
    {
        using var db = new TestDatabase();
        using var result = db.Connection.Query(
            "SELECT CASE WHEN i % 3 = 0 THEN NULL ELSE i END AS v, i / 4 AS q FROM (SELECT range::BIGINT AS i FROM range(10)) ORDER BY i");
        Assert.True(result.TryFetchChunk(out var chunk));
        using (chunk)
        {
            var v = chunk.GetColumn(0);
            var q = chunk.GetColumn(1);
            Assert.Equal(10, chunk.RowCount);
            Assert.Equal(DuckDbType.Double, q.Type);
            var values = v.GetInt64s();
            var quarters = q.GetDoubles();
            for (var i = 0; i < 10; i++)
            {
                Assert.Equal(i % 3 != 0, v.IsValid(i));
                if (i % 3 != 0)
                {
                    Assert.Equal(i, values[i]);
                }

                Assert.Equal(i / 4.0, quarters[i]);
            }

            Assert.Throws<InvalidOperationException>(() => v.GetDoubles());
            Assert.Throws<InvalidOperationException>(() => v.GetInt128(0));
        }

        Assert.False(result.TryFetchChunk(out _));
    }

    [Fact]
    public void InlinedAndPointerStringsAreBothRead()
    {
        using var db = new TestDatabase();
        string[] values = ["", "a", "exactly12byt", "thirteen byte", "ünïcödé and more than twelve bytes"];
        using var result = db.Connection.Query(
            "SELECT * FROM (VALUES (0, ''), (1, 'a'), (2, 'exactly12byt'), (3, 'thirteen byte'), (4, 'ünïcödé and more than twelve bytes')) ORDER BY 1");
        Assert.True(result.TryFetchChunk(out var chunk));
        using (chunk)
        {
            var column = chunk.GetColumn(1);
            for (var i = 0; i < values.Length; i++)
            {
                Assert.Equal(values[i], column.GetString(i));
                Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(values[i]), column.GetUtf8(i).Length);
            }
        }
    }

    [Fact]
    public void ReadAllRowsMapsEachTypeToItsDotNetType()
    {
        using var db = new TestDatabase();
        var rows = db.Connection.Query(
            "SELECT 1::TINYINT, 2::SMALLINT, 3::INTEGER, 4::BIGINT, 5::UTINYINT, 6::UINTEGER, 7::UBIGINT, "
            + "1.5::FLOAT, 2.25::DOUBLE, 'text', true, TIMESTAMP '2020-01-02 03:04:05.000006', "
            + "TIMESTAMPTZ '2020-01-02 03:04:05.000006+00', DATE '2020-01-02', '\\x01\\x02'::BLOB, "
            + "170141183460469231731687303715884105727::HUGEINT, 123.45::DECIMAL(5,2), NULL, TIME '12:34:56.000789'")
            .ReadAllRows();
        var row = Assert.Single(rows);
        var expectedTimestamp = new DateTime(2020, 1, 2, 3, 4, 5, DateTimeKind.Utc).AddTicks(60);
        object?[] expected =
        [
            1L, 2L, 3L, 4L, 5L, 6L, 7UL, 1.5, 2.25, "text", true, expectedTimestamp, expectedTimestamp,
            new DateOnly(2020, 1, 2), new byte[] { 1, 2 }, Int128.MaxValue, 123.45m, null, new TimeOnly(12, 34, 56).Add(TimeSpan.FromTicks(7890)),
        ];
        Assert.Equal(expected, row);
    }

    [Fact]
    public void DecimalsOfEveryStorageWidthReadExactly()
    {
        using var db = new TestDatabase();
        var row = db.Connection.Query(
            "SELECT -12.34::DECIMAL(4,2), 123456.789::DECIMAL(9,3), -123456789012345.678::DECIMAL(18,3), "
            + "12345678901234567890.123456::DECIMAL(38,6), 0.000001::DECIMAL(10,6)").ReadAllRows().Single();

        Assert.Equal(new object[] { -12.34m, 123456.789m, -123456789012345.678m, 12345678901234567890.123456m, 0.000001m }, row);
    }

    [Fact]
    public void DecimalBeyondSystemDecimalIsAnErrorNotAWrongValue()
    {
        using var db = new TestDatabase();
        using var result = db.Connection.Query("SELECT 99999999999999999999999999999999999999::DECIMAL(38,0)");
        Assert.Throws<OverflowException>(() => result.ReadAllRows());
    }

    [Fact]
    public void ScalarHandlesNullsMissingRowsAndConversions()
    {
        using var db = new TestDatabase();
        Assert.Null(db.Connection.Scalar<string>("SELECT NULL::VARCHAR"));
        Assert.Null(db.Connection.Scalar<long?>("SELECT NULL::BIGINT"));
        Assert.Null(db.Connection.Scalar<long?>("SELECT 1 WHERE false"));
        Assert.Throws<InvalidOperationException>(() => db.Connection.Scalar<long>("SELECT NULL::BIGINT"));
        Assert.Throws<InvalidOperationException>(() => db.Connection.Scalar<long>("SELECT 1 WHERE false"));
        Assert.Equal(42, db.Connection.Scalar<int>("SELECT 42::BIGINT"));
        Assert.Equal(6L, db.Connection.Scalar<long>("SELECT sum(x) FROM (VALUES (1), (2), (3)) v(x)")); // HUGEINT sum
        Assert.Throws<OverflowException>(() => db.Connection.Scalar<int>("SELECT 3000000000::BIGINT"));
    }

    [Fact]
    public void ExecuteRunsSeveralStatementsAndNonQueryCountsRows()
    {
        using var db = new TestDatabase();
        db.Connection.Execute("""
            CREATE TABLE a (v INTEGER);
            CREATE TABLE b (v INTEGER);
            INSERT INTO a VALUES (1), (2), (3);
            INSERT INTO b SELECT v * 10 FROM a;
            """);

        Assert.Equal(60L, db.Connection.Scalar<long>("SELECT sum(v) FROM b"));
        Assert.Equal(2L, db.Connection.ExecuteNonQuery("UPDATE a SET v = v + 1 WHERE v >= $1", 2));
        Assert.Equal(3L, db.Connection.ExecuteNonQuery("DELETE FROM b"));
    }
}
