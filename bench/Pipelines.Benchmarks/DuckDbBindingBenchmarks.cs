using BenchmarkDotNet.Attributes;
using Pipelines.DuckDb;

namespace Pipelines.Benchmarks;

/// <summary>The DuckDB binding's bulk paths: appending 5-column rows and reading values through data chunks.</summary>
[MemoryDiagnoser]
public class DuckDbBindingBenchmarks
{
    private const int Rows = 100_000;
    private DuckDbDatabase _database = null!;
    private DuckDbConnection _connection = null!;
    private static readonly DateTime Start = new(2023, 3, 1, 0, 0, 0, DateTimeKind.Utc);

    [GlobalSetup]
    public void Setup()
    {
        _database = DuckDbDatabase.Open(":memory:");
        _connection = _database.Connect();
        _connection.Execute($"CREATE TABLE source AS SELECT i AS a, i * 2 AS b, (i * 0.5)::DOUBLE AS c, (i * 0.25)::DOUBLE AS d FROM range({Rows}) r(i)");
    }

    [IterationSetup(Target = nameof(AppendFiveColumnRows))]
    public void ResetTicks() => _connection.Execute("CREATE OR REPLACE TABLE ticks (id BIGINT, price DOUBLE, size DOUBLE, symbol VARCHAR, ts TIMESTAMP)");

    [Benchmark(OperationsPerInvoke = Rows)]
    public void AppendFiveColumnRows()
    {
        using var appender = _connection.CreateAppender("ticks");
        for (var i = 0; i < Rows; i++)
        {
            appender.Append((long)i).Append(23_000.0 + i % 1000).Append(0.001 * (i % 97)).Append("BTCUSDT").Append(Start.AddTicks(i * 10L));
            appender.EndRow();
        }
    }

    [Benchmark(OperationsPerInvoke = Rows * 4)]
    public double ReadValuesThroughChunks()
    {
        using var result = _connection.Query("SELECT a, b, c, d FROM source");
        double sum = 0;
        foreach (var chunk in result.Chunks())
        {
            foreach (var v in chunk.GetColumn(0).GetInt64s()) sum += v;
            foreach (var v in chunk.GetColumn(1).GetInt64s()) sum += v;
            foreach (var v in chunk.GetColumn(2).GetDoubles()) sum += v;
            foreach (var v in chunk.GetColumn(3).GetDoubles()) sum += v;
        }
        return sum;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _connection.Dispose();
        _database.Dispose();
    }
}
