using DuckDB.NET.Data;
using Pipelines.DuckDb;
using Pipelines.Engine.Storage;
using Pipelines.Testing;

namespace Pipelines.Engine.Tests.Storage;

public sealed class ChunkAppenderTests : IDisposable
{
    private const string AllTypes =
        "CREATE TABLE t (id BIGINT, small INTEGER, flag BOOLEAN, ratio FLOAT, price DOUBLE, name VARCHAR, stamp TIMESTAMP, stamp_tz TIMESTAMPTZ)";

    private readonly DuckDBConnection _connection = new("DataSource=:memory:");

    public ChunkAppenderTests() => _connection.Open();

    public void Dispose() => _connection.Dispose();

    private static readonly DateTime Start = new(2023, 3, 10, 14, 30, 0, DateTimeKind.Utc);

    // Short names fit DuckDB's 12-byte inline strings, long ones do not; one is not ASCII.
    private static string Name(int i) => (i % 3) switch { 0 => $"s{i}", 1 => $"a longer name that is stored out of line {i}", _ => $"größe-€-{i}" };

    [Fact]
    public void Every_supported_type_and_null_arrives_as_written_over_several_chunks()
    {
        const int rows = 5_000; // more than two of DuckDB's 2,048-row chunks
        _connection.Execute(AllTypes);
        using (var appender = new ChunkAppender(_connection, "t"))
        {
            for (var i = 0; i < rows; i++)
            {
                appender.Add((long)i * 1_000_000_007L);
                if (i % 7 == 0) appender.AddNull(); else appender.Add(i - 2_500);
                if (i % 5 == 0) appender.AddNull(); else appender.Add(i % 2 == 0);
                appender.Add(i * 0.25f);
                if (i % 11 == 0) appender.AddNull(); else appender.Add(i / 3.0);
                if (i % 13 == 0) appender.Add((string?)null); else appender.Add(Name(i));
                appender.Add(Start.AddTicks(i * 17L * TimeSpan.TicksPerMicrosecond)).Add(Start.AddSeconds(i)).EndRow();
            }
        }

        var read = _connection.Rows("SELECT id, small, flag, ratio, price, name, epoch_us(stamp) AS stamp, epoch_us(stamp_tz) AS stamp_tz FROM t ORDER BY id",
            row => (Id: row.GetInt64(0), Small: row.IsDBNull(1) ? (int?)null : row.GetInt32(1), Flag: row.IsDBNull(2) ? (bool?)null : row.GetBoolean(2),
                Ratio: row.GetFloat(3), Price: row.IsDBNull(4) ? (double?)null : row.GetDouble(4), Name: row.IsDBNull(5) ? null : row.GetString(5),
                At: row.GetInt64(6), AtTz: row.GetInt64(7)));
        Assert.Equal(rows, read.Count);
        var epochMicros = (Start - DateTime.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond;
        for (var i = 0; i < rows; i++)
        {
            var r = read[i];
            Assert.Equal((long)i * 1_000_000_007L, r.Id);
            Assert.Equal(i % 7 == 0 ? null : i - 2_500, r.Small);
            Assert.Equal(i % 5 == 0 ? null : i % 2 == 0, r.Flag);
            Assert.Equal(i * 0.25f, r.Ratio);
            Assert.Equal(i % 11 == 0 ? null : i / 3.0, r.Price);
            Assert.Equal(i % 13 == 0 ? null : Name(i), r.Name);
            Assert.Equal(epochMicros + i * 17L, r.At);
            Assert.Equal(epochMicros + i * 1_000_000L, r.AtTz);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("BTCUSDT")]
    [InlineData("twelve bytes")]      // the longest string DuckDB keeps inline
    [InlineData("thirteen byte")]     // the shortest it keeps out of line
    [InlineData("é-twelve-byt")]      // 12 bytes of UTF-8 from 11 characters
    public void Strings_on_either_side_of_the_inline_limit_equal_the_same_text_written_by_SQL(string text)
    {
        _connection.Execute("CREATE TABLE t (name VARCHAR)");
        using (var appender = new ChunkAppender(_connection, "t"))
            appender.Add(text).EndRow();
        _connection.Execute("INSERT INTO t VALUES (?)", text);

        Assert.Equal(1, _connection.Scalar<long>("SELECT count(DISTINCT name) FROM t"));
        Assert.Equal(2, _connection.Scalar<long>("SELECT count(*) FROM t WHERE name = ?", text));
        Assert.Equal(text, _connection.Scalar<string>("SELECT min(name) FROM t"));
    }

    [Fact]
    public void Integers_widen_into_BIGINT_and_floats_into_DOUBLE()
    {
        _connection.Execute("CREATE TABLE t (big BIGINT, wide DOUBLE)");
        using (var appender = new ChunkAppender(_connection, "t"))
            appender.Add(int.MinValue).Add(1.5f).EndRow();

        Assert.Equal((long)int.MinValue, _connection.Scalar<long>("SELECT big FROM t"));
        Assert.Equal(1.5, _connection.Scalar<double>("SELECT wide FROM t"));
    }

    [Fact]
    public void A_value_of_another_type_is_refused_naming_the_table_and_column()
    {
        _connection.Execute("CREATE TABLE t (id BIGINT, name VARCHAR)");
        using var appender = new ChunkAppender(_connection, "t");

        var e = Assert.Throws<ArgumentException>(() => appender.Add(1L).Add(2.5));

        Assert.Contains("t column 2 is Varchar; a Double value cannot go there", e.Message);
    }

    [Fact]
    public void A_row_with_too_few_or_too_many_values_is_refused()
    {
        _connection.Execute("CREATE TABLE t (id BIGINT, name VARCHAR)");
        using var appender = new ChunkAppender(_connection, "t");

        var few = Assert.Throws<InvalidOperationException>(() => appender.Add(1L).EndRow());
        Assert.Contains("a row of t has 2 columns; 1 values were given", few.Message);
        var many = Assert.Throws<InvalidOperationException>(() => appender.Add("x").Add("y"));
        Assert.Contains("a value was given beyond them", many.Message);
    }

    [Fact]
    public void A_column_type_it_does_not_write_is_refused_when_it_opens()
    {
        _connection.Execute("CREATE TABLE t (id BIGINT, amounts DOUBLE[])");

        var e = Assert.Throws<NotSupportedException>(() => new ChunkAppender(_connection, "t"));

        Assert.Contains("t column 2 is List", e.Message);
    }

    [Fact]
    public void Rows_belong_to_the_open_transaction_and_go_with_its_rollback()
    {
        _connection.Execute("CREATE TABLE t (id BIGINT)");
        using (var transaction = _connection.BeginTransaction())
        {
            using (var appender = new ChunkAppender(_connection, "t"))
                for (var i = 0; i < 3_000; i++) appender.Add((long)i).EndRow();
            Assert.Equal(3_000, _connection.Scalar<long>("SELECT count(*) FROM t"));
            transaction.Rollback();
        }

        Assert.Equal(0, _connection.Scalar<long>("SELECT count(*) FROM t"));
    }

    [Fact]
    public void A_constraint_violation_surfaces_in_DuckDBs_words()
    {
        _connection.Execute("CREATE TABLE t (id BIGINT PRIMARY KEY)");
        var appender = new ChunkAppender(_connection, "t");
        appender.Add(1L).EndRow();
        appender.Add(1L).EndRow();

        var e = Assert.Throws<InvalidOperationException>(appender.Flush);
        appender.Discard();

        Assert.Contains("appending to t failed", e.Message);
        Assert.Contains("Duplicate key", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Appending_rows_allocates_nothing_per_row()
    {
        _connection.Execute(AllTypes);
        using var appender = new ChunkAppender(_connection, "t");
        var names = Enumerable.Range(0, 64).Select(Name).ToArray();
        void AppendRows(int count)
        {
            for (var i = 0; i < count; i++)
                appender.Add((long)i).Add(i).Add(true).Add(1f).Add(2.0).Add(names[i % names.Length]).Add(Start).Add(Start).EndRow();
        }
        AppendRows(5_000);   // warm up: every code path jitted, the UTF-8 buffer at its size

        var allocated = AllocationCounter.LeastPerRound(_ => AppendRows(20_000));

        Assert.True(allocated < 1_000, $"appending 20,000 rows allocated {allocated} bytes");
    }
}
