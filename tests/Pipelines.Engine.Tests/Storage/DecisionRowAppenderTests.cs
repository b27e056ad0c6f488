using Pipelines.Engine.Storage;
using Pipelines.Engine.Tests.Support;

namespace Pipelines.Engine.Tests.Storage;

public sealed class DecisionRowAppenderTests : IDisposable
{
    private readonly EngineHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public void Rows_over_several_chunks_and_commits_arrive_in_order_with_every_feature()
    {
        const int rows = 5_000; // more than two of DuckDB's 2,048-row chunks
        const int features = 20;
        var vector = new double[features];
        using (var connection = _h.Store.OpenSideConnection())
        using (var appender = new DecisionRowAppender(connection, features))
        {
            for (var i = 0; i < rows; i++)
            {
                for (var f = 0; f < features; f++) vector[f] = i + f / 100.0;
                appender.Append(7, i, 1_677_628_800_000_000 + i, 3, i * 0.5, vector);
                if (i == 3_000) appender.Flush();
            }
        }

        var read = _h.Store.Read(c => c.Rows(
            "SELECT trade_id, epoch_us(time), score, len(features) AS n, features[1] AS first, features[20] AS last, list_sum(features) AS total " +
            "FROM decision_rows WHERE stream_id = 7 ORDER BY trade_id",
            row => (Trade: row.GetInt64(0), Micros: row.GetInt64(1), Score: row.GetDouble(2), Count: row.GetInt64(3), First: row.GetDouble(4),
                Last: row.GetDouble(5), Total: row.GetDouble(6))));
        Assert.Equal(rows, read.Count);
        for (var i = 0; i < rows; i++)
        {
            Assert.Equal(((long)i, 1_677_628_800_000_000L + i, i * 0.5, (long)features), (read[i].Trade, read[i].Micros, read[i].Score, read[i].Count));
            Assert.Equal(i, read[i].First);
            Assert.Equal(i + 0.19, read[i].Last, 9);
            Assert.Equal(features * i + 1.9, read[i].Total, 6);
        }
    }

    [Fact]
    public void A_decisions_table_of_another_shape_is_refused_before_any_row_is_written()
    {
        using var connection = _h.Store.OpenSideConnection();
        connection.Execute("ALTER TABLE decision_rows ADD COLUMN venue VARCHAR");

        var e = Assert.Throws<InvalidOperationException>(() => new DecisionRowAppender(connection, 2));

        Assert.Contains("decision_rows has 7 columns", e.Message);
    }
}
