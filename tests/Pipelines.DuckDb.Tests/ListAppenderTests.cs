namespace Pipelines.DuckDb.Tests;

public sealed class ListAppenderTests
{
    [Fact]
    public void Double_lists_of_any_length_round_trip_across_chunks()
    {
        using var db = new TestDatabase();
        db.Connection.Execute("CREATE TABLE t (i BIGINT, v DOUBLE[], d DOUBLE)");
        const int rows = 5_000; // more than two of DuckDB's 2,048-row chunks
        using (var appender = db.Connection.CreateAppender("t"))
        {
            for (var i = 0; i < rows; i++)
            {
                appender.Append((long)i);
                if (i == 17) appender.AppendNull();
                else appender.Append(Enumerable.Range(0, i % 5).Select(k => i + k / 10.0).ToArray().AsSpan());
                appender.Append(i * 0.5);
                appender.EndRow();
            }
            appender.Close();
        }

        var read = db.Connection.Query("SELECT i, len(v), list_sum(v), v[1], v IS NULL, d FROM t ORDER BY i").ReadAllRows();
        Assert.Equal(rows, read.Count);
        for (var i = 0; i < rows; i++)
        {
            var row = read[i];
            if (i == 17)
            {
                Assert.Equal(true, row[4]);
                continue;
            }
            var length = i % 5;
            Assert.Equal((long)length, row[1]);
            // Row i holds i, i + 0.1, … i + (length - 1) / 10.
            var sum = Enumerable.Range(0, length).Sum(k => i + k / 10.0);
            if (length == 0) Assert.Null(row[2]);
            else
            {
                Assert.Equal(sum, (double)row[2]!, 9);
                Assert.Equal((double)i, row[3]);
            }
            Assert.Equal(i * 0.5, row[5]);
        }
    }

    [Fact]
    public void A_list_for_a_column_of_another_type_is_refused_naming_the_column()
    {
        using var db = new TestDatabase();
        db.Connection.Execute("CREATE TABLE t (d DOUBLE, s VARCHAR[])");
        using var appender = db.Connection.CreateAppender("t");
        var e = Assert.Throws<DuckDbException>(() => appender.Append(new[] { 1.0 }.AsSpan()));
        Assert.Contains("Column 0", e.Message);
        appender.Append(1.0);
        Assert.Throws<DuckDbException>(() => appender.Append(new[] { 1.0 }.AsSpan()));
    }
}
