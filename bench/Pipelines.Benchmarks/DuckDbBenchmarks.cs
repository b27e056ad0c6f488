using BenchmarkDotNet.Attributes;
using DuckDB.NET.Data;
using Pipelines.Steps.Tables;

namespace Pipelines.Benchmarks;

/// <summary>DuckDB's bulk paths as the project uses them: DuckDB.NET's appender, and reading values through data chunks.</summary>
[MemoryDiagnoser]
public class DuckDbBenchmarks
{
    private const int Rows = 100_000;
    private DuckDBConnection _connection = null!;
    private static readonly DateTime Start = new(2023, 3, 1, 0, 0, 0, DateTimeKind.Utc);

    [GlobalSetup]
    public void Setup()
    {
        _connection = ParquetTableWriter.OpenScratch();
        _connection.Execute($"CREATE TABLE source AS SELECT i AS a, i * 2 AS b, (i * 0.5)::DOUBLE AS c, (i * 0.25)::DOUBLE AS d FROM range({Rows}) r(i)");
    }

    [IterationSetup(Target = nameof(AppendFiveColumnRows))]
    public void ResetTicks() => _connection.Execute("CREATE OR REPLACE TABLE ticks (id BIGINT, price DOUBLE, size DOUBLE, symbol VARCHAR, ts TIMESTAMP)");

    [Benchmark(OperationsPerInvoke = Rows)]
    public void AppendFiveColumnRows()
    {
        using var appender = _connection.CreateAppender("ticks");
        for (var i = 0; i < Rows; i++)
            appender.AppendRow(i, static (row, i) => row.AppendValue((long?)i).AppendValue((double?)(23_000.0 + i % 1000))
                .AppendValue((double?)(0.001 * (i % 97))).AppendValue("BTCUSDT").AppendValue((DateTime?)Start.AddTicks(i * 10L)));
    }

    [Benchmark(OperationsPerInvoke = Rows * 4)]
    public double ReadValuesThroughChunks()
    {
        using var result = ChunkReader.Query(_connection, "SELECT a, b, c, d FROM source");
        double sum = 0;
        while (result.Read())
        {
            foreach (var v in result.Int64s(0)) sum += v;
            foreach (var v in result.Int64s(1)) sum += v;
            foreach (var v in result.Doubles(2)) sum += v;
            foreach (var v in result.Doubles(3)) sum += v;
        }
        return sum;
    }

    [GlobalCleanup]
    public void Cleanup() => _connection.Dispose();
}
