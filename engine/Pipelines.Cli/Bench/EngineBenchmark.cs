using System.Diagnostics;
using System.Text;
using Pipelines.DuckDb;
using Pipelines.Engine.Catalog;
using Pipelines.Engine.Execution;
using Pipelines.Engine.Parsing;
using Pipelines.Engine.Planning;
using Pipelines.Engine.Storage;
using Pipelines.Steps.Tables;
using Serilog.Core;

namespace Pipelines.Cli.Bench;

/// <summary>
/// Measures the engine's own cost and DuckDB's appending and reading throughput, the figures docs/benchmarks.md reports.
/// Each figure is the best of a few repetitions, as these machines are shared and noisy.
/// </summary>
public static class EngineBenchmark
{
    public sealed record Result(int Steps, double UsPerStep, double CpuUsPerStep, double BytesPerStep, double AppenderRowsPerSecond,
        double AdoAppenderRowsPerSecond, double ReadValuesPerSecond);

    /// <summary>
    /// One engine run's cost per step: wall time, the process's CPU time (every thread's, the group commit's included)
    /// and managed bytes allocated. On a shared machine the wall time moves with everybody else's load; the CPU time moves
    /// much less and the bytes not at all, so those two are what tell two builds apart.
    /// </summary>
    public sealed record EngineCost(double WallUsPerStep, double CpuUsPerStep, double BytesPerStep);

    public static Result Run(int steps, int seed, string? directory = null, int repetitions = 3)
    {
        // Every repetition's store stays until all are measured: ext4 passes over recently freed inodes when it
        // allocates new ones, so deleting a thousand artifact files makes the next thousand creates cost up to a
        // millisecond each for a minute or so — a cost of the benchmark's cleanup, not of the engine.
        var scratch = CreateScratch(directory);
        try
        {
            var costs = Enumerable.Range(0, repetitions).Select(_ => MeasureEngineCost(steps, seed, scratch)).ToList();
            var appender = Enumerable.Range(0, repetitions).Max(_ => MeasureAppender(1_000_000));
            var adoAppender = Enumerable.Range(0, repetitions).Max(_ => MeasureAdoAppender(1_000_000));
            var reading = Enumerable.Range(0, repetitions).Max(_ => MeasureChunkReading(2_000_000));
            return new Result(steps, costs.Min(c => c.WallUsPerStep), costs.Min(c => c.CpuUsPerStep), costs.Min(c => c.BytesPerStep),
                appender, adoAppender, reading);
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    /// <summary>A directory for benchmark stores under <paramref name="directory"/>, or the system temp directory by default.</summary>
    public static DirectoryInfo CreateScratch(string? directory) => directory is null
        ? Directory.CreateTempSubdirectory("pipelines-bench-")
        : Directory.CreateDirectory(Path.Combine(directory, $"pipelines-bench-{Guid.NewGuid():N}"));

    /// <summary>A random DAG: each step depends on up to two earlier ones, through their artifacts.</summary>
    public static string GeneratePipeline(int steps, int seed)
    {
        var random = new Random(seed);
        var text = new StringBuilder("name: engine-bench\nsteps:\n");
        for (var i = 0; i < steps; i++)
        {
            var parents = i == 0 ? [] : Enumerable.Range(0, random.Next(0, 3)).Select(_ => random.Next(0, i)).Distinct().ToArray();
            var after = string.Join(", ", parents.Select(p => $"\"${{{{ steps.s{p}.outputs.marker }}}}\""));
            text.Append($"  - id: s{i}\n    uses: bench/noop\n    with: {{ tag: t{i}-{seed}, after: [{after}] }}\n");
        }
        return text.ToString();
    }

    /// <summary>
    /// Plan + execute a generated DAG with lineage written to a fresh DuckDB store in a new directory under
    /// <paramref name="scratch"/>, which the caller deletes; microseconds per step, including each step's artifact file.
    /// </summary>
    public static double MeasureEngine(int steps, int seed, DirectoryInfo scratch)
    {
        var root = scratch.CreateSubdirectory($"run-{Guid.NewGuid():N}");
        var catalog = new StepCatalog().Add(typeof(NoOpStep));
        var yaml = GeneratePipeline(steps, seed);
        var file = Path.Combine(root.FullName, "bench.yaml");
        File.WriteAllText(file, yaml);
        using var store = PipelineStore.Open(Path.Combine(root.FullName, ".pipelines"), TimeSpan.Zero);
        var runner = new PipelineRunner(store, catalog, Logger.None);
        var clock = Stopwatch.StartNew();
        var pipeline = PipelineCompiler.Compile(PipelineParser.ParseText(file, yaml), catalog, root.FullName);
        var result = runner.RunAsync(pipeline, new RunOptions { MaxParallelism = Environment.ProcessorCount }, CancellationToken.None).GetAwaiter().GetResult();
        clock.Stop();
        if (result.Status != RunStatus.Succeeded) throw new InvalidOperationException($"benchmark run {result.Status}: {result.Error}");
        if (store.Count("lineage") == 0) throw new InvalidOperationException("benchmark run wrote no lineage");
        return clock.Elapsed.TotalMicroseconds / steps;
    }

    /// <summary><see cref="MeasureEngine"/> with the process's CPU time and the managed bytes allocated around it, per step.</summary>
    public static EngineCost MeasureEngineCost(int steps, int seed, DirectoryInfo scratch)
    {
        using var process = Process.GetCurrentProcess();
        var bytes = GC.GetTotalAllocatedBytes(precise: true);
        var cpu = process.TotalProcessorTime;
        var wall = MeasureEngine(steps, seed, scratch);
        process.Refresh();
        return new EngineCost(wall, (process.TotalProcessorTime - cpu).TotalMicroseconds / steps,
            (GC.GetTotalAllocatedBytes(precise: true) - bytes) / (double)steps);
    }

    /// <summary>
    /// Rows per second appending a 5-column row (BIGINT, DOUBLE, DOUBLE, VARCHAR, TIMESTAMP) through the
    /// <see cref="ChunkAppender"/>, the way the store's group commit and the steps' table writers append.
    /// </summary>
    public static double MeasureAppender(int rows) => MeasureTicksTable(rows, static (connection, count, start) =>
    {
        using var appender = new ChunkAppender(connection, "ticks");
        for (var i = 0; i < count; i++)
            appender.Add((long)i).Add(23_000.0 + i % 1000).Add(0.001 * (i % 97)).Add("BTCUSDT").Add(start.AddTicks(i * 10L)).EndRow();
    });

    /// <summary>The same rows through DuckDB.NET's ADO.NET appender, with a reused row (its allocation-free way): the peer figure.</summary>
    public static double MeasureAdoAppender(int rows) => MeasureTicksTable(rows, static (connection, count, start) =>
    {
        using var appender = connection.CreateAppender("ticks");
        for (var i = 0; i < count; i++)
            appender.AppendRow((i, start), static (row, s) => row.AppendValue((long?)s.i).AppendValue((double?)(23_000.0 + s.i % 1000))
                .AppendValue((double?)(0.001 * (s.i % 97))).AppendValue("BTCUSDT").AppendValue((DateTime?)s.start.AddTicks(s.i * 10L)));
        appender.Close();
    });

    private static double MeasureTicksTable(int rows, Action<DuckDB.NET.Data.DuckDBConnection, int, DateTime> append)
    {
        using var connection = ParquetTableWriter.OpenScratch();
        connection.Execute("CREATE TABLE ticks (id BIGINT, price DOUBLE, size DOUBLE, symbol VARCHAR, ts TIMESTAMP)");
        var start = new DateTime(2023, 3, 1, 0, 0, 0, DateTimeKind.Utc);
        var clock = Stopwatch.StartNew();
        append(connection, rows, start);
        clock.Stop();
        var (count, last) = connection.Rows("SELECT count(*), max(id), max(ts) FROM ticks") is [var row] ? ((long)row[0]!, (long)row[1]!) : (0, 0);
        if (count != rows || last != rows - 1) throw new InvalidOperationException($"appended {count} rows, expected {rows}");
        return rows / clock.Elapsed.TotalSeconds;
    }

    /// <summary>Values per second read through data chunks (two BIGINT and two DOUBLE columns).</summary>
    public static double MeasureChunkReading(int rows)
    {
        using var connection = ParquetTableWriter.OpenScratch();
        connection.Execute($"CREATE TABLE t AS SELECT i AS a, i * 2 AS b, (i * 0.5)::DOUBLE AS c, (i * 0.25)::DOUBLE AS d FROM range({rows}) r(i)");
        using var result = ChunkReader.Query(connection, "SELECT a, b, c, d FROM t");
        var clock = Stopwatch.StartNew();
        long integers = 0;
        double doubles = 0;
        long values = 0;
        while (result.Read())
        {
            foreach (var v in result.Int64s(0)) integers += v;
            foreach (var v in result.Int64s(1)) integers += v;
            foreach (var v in result.Doubles(2)) doubles += v;
            foreach (var v in result.Doubles(3)) doubles += v;
            values += 4L * result.RowCount;
        }
        clock.Stop();
        var n = (long)rows;
        var triangle = n * (n - 1) / 2;
        if (values != 4 * n || integers != 3 * triangle || Math.Abs(doubles - 0.75 * triangle) > 1e-6 * triangle)
            throw new InvalidOperationException("chunk reading returned wrong values");
        return values / clock.Elapsed.TotalSeconds;
    }
}
