using System.Diagnostics;
using System.Globalization;
using DuckDB.NET.Data;
using Pipelines.Abstractions;
using Pipelines.Cluster.Tests.Support;
using Pipelines.Engine.Storage;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace Pipelines.Cluster.Tests;

/// <summary>
/// A tick stream killed mid-segment leaves its segment under its temporary name; the decisions committed into it are
/// registered later (when the step's next stream opens, or by retention), so a PostgreSQL store keeps every committed
/// decision as the DuckDB store does. Live segments are left alone, empty ones deleted, unreadable ones kept.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class DecisionSegmentRecoveryTests(PostgresServer server) : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(4);
    private static readonly DateTime Start = new(2026, 11, 20, 0, 0, 0, DateTimeKind.Utc);
    private readonly string _scratch = Path.Combine(Path.GetTempPath(), "pipelines-cluster-tests", Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        if (Directory.Exists(_scratch)) Directory.Delete(_scratch, recursive: true);
    }

    [Fact]
    public async Task A_tick_stream_killed_mid_segment_keeps_every_decision_it_committed()
    {
        using var workspace = new PostgresWorkspace(await server.CreateDatabaseAsync("recoverkill"));
        // Segments of the default million decisions. The stream commits every 122,880 (a row group, which DuckDB writes
        // into the segment's file as it fills, before the commit), so a file past twice that much data (about 7 MB of it
        // here) holds committed decisions, long before it closes.
        var repository = PostgresTickInferenceTests.RepositoryRoot();
        Directory.CreateDirectory(Path.Combine(workspace.Root, "samples"));
        File.Copy(Path.Combine(repository, "samples", PostgresTickInferenceTests.SampleBars), Path.Combine(workspace.Root, "samples", PostgresTickInferenceTests.SampleBars));
        workspace.Write("pipelines/long-tick.yaml", File.ReadAllText(Path.Combine(repository, "pipelines", "tick-inference.yaml"))
            .Replace("      shap_every: 1000", "      shap_every: 1000\n      trades_per_bar: 4000"));

        using var process = PipelinesProcess.Start(workspace.Root, workspace.Environment,
            "run", "pipelines/long-tick.yaml", "--param", "live_ticks=100000000", "--param", "training_ticks=8000");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        string runId, directory;
        using (var store = workspace.OpenStore())
        {
            var waited = Stopwatch.StartNew();
            while (true)
            {
                runId = store.ListRuns(1).SingleOrDefault()?.RunId ?? "";
                directory = Path.Combine(workspace.ArtifactsDirectory, "decisions", runId, "infer");
                // One segment closed, and the open one holds committed decisions.
                if (runId != "" && DecisionSegmentTests.RegisteredSegments(store).Count >= 1 && Directory.Exists(directory)
                    && Directory.EnumerateFiles(directory, "*.duckdb.partial").Any(f => new FileInfo(f).Length > 16 << 20))
                    break;
                if (process.HasExited) Assert.Fail($"the stream ended before it was killed: {await output}{await error}");
                Assert.True(waited.Elapsed < Bound, $"no open segment with committed decisions within {Bound}");
                await Task.Delay(20);
            }

            // While the stream writes it, the open segment is another process's: recovery leaves it alone.
            var whileLive = DecisionSegmentRecovery.RecoverStep(store, runId, "infer", Logger.None);
            Assert.True(whileLive.Live.Count > 0, $"recovered {string.Join(", ", whileLive.Recovered)}; deleted {string.Join(", ", whileLive.Deleted)}; kept {string.Join(", ", whileLive.Kept)}; files {string.Join(", ", Directory.EnumerateFiles(directory).Select(f => $"{Path.GetFileName(f)} {new FileInfo(f).Length}"))}");
            Assert.Empty(whileLive.Kept);
        }
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        await output;
        await error;

        // The decisions the killed stream committed, counted on a copy by DuckDB alone (which replays the copy's log).
        var partials = Directory.EnumerateFiles(directory, "*.duckdb.partial").ToList();
        Assert.True(partials.Count > 0, string.Join(", ", Directory.EnumerateFiles(directory).Select(f => $"{Path.GetFileName(f)} {new FileInfo(f).Length}")) + await output + await error);
        var committed = partials.SelectMany(CommittedTrades).ToList();
        Assert.True(committed.Count > 0, string.Join(", ", Directory.EnumerateFiles(directory).Select(f => $"{Path.GetFileName(f)} {new FileInfo(f).Length}")));

        var log = new CollectingSink();
        using (var store = workspace.OpenStore())
        {
            var before = DecisionSegmentTests.RegisteredSegments(store);
            // The step's next stream (as when the step runs again on another node) starts by recovering what this one left.
            using (new StoreDecisionLog(store, runId, "infer", Collecting(log)).OpenDecisions("tick-flow", ["ret_1", "std_30", "trade_flow_imbalance_20"]))
            {
            }
            var after = DecisionSegmentTests.RegisteredSegments(store);
            var recovered = after.ExceptBy(before.Select(s => s.SegmentId), s => s.SegmentId).ToList();
            Assert.Equal(partials.Count, recovered.Count);
            Assert.Equal(committed.Count, recovered.Sum(s => s.Rows));
            Assert.All(after, s => DecisionSegmentTests.AssertWhole(store, s));
            Assert.Empty(Directory.EnumerateFiles(directory, "*.partial*"));
            Assert.All(recovered, s => Assert.Contains(log.Events, e => e.Level == LogEventLevel.Information && e.Text.Contains(s.StorePath) && e.Text.Contains($"| {s.Rows} |")));

            // Every committed decision reads back, once.
            var decisions = new StoreDecisionLog(store, runId, "infer").ReadStep();
            Assert.Equal(before.Sum(s => s.Rows) + committed.Count, decisions.Count);
            Assert.Equal(decisions.Count, decisions.Select(d => d.TradeId).Distinct().Count());
            Assert.Subset(decisions.Select(d => d.TradeId).ToHashSet(), committed.ToHashSet());

            // A second pass finds nothing more to do.
            var again = DecisionSegmentRecovery.RecoverAll(store, Logger.None);
            Assert.Equal((0, 0, 0), (again.Recovered.Count, again.Deleted.Count, again.Kept.Count));
            Assert.Equal(after.Count, DecisionSegmentTests.RegisteredSegments(store).Count);
        }
    }

    [Fact]
    public async Task A_crash_image_is_registered_once_with_the_rows_committed_into_it()
    {
        using var workspace = new PostgresWorkspace(await server.CreateDatabaseAsync("recoverimage"));
        using var store = workspace.OpenStore();
        var streamId = RegisterStream(store, "run-1", "tick");
        var partial = CrashImage(store, "run-1", "tick", streamId, rows: 1_000, firstVersionRows: 400);

        var report = DecisionSegmentRecovery.RecoverStep(store, "run-1", "tick", Logger.None);
        var segment = Assert.Single(report.Recovered);
        Assert.Equal(($"{streamId}-000001", 1_000L, Start, Start.AddSeconds(999)), (segment.SegmentId, segment.Rows, segment.FirstTime, segment.LastTime));
        Assert.Equal(segment, Assert.Single(DecisionSegmentTests.RegisteredSegments(store)));
        DecisionSegmentTests.AssertWhole(store, segment);
        Assert.False(File.Exists(partial));
        Assert.Equal([(1, 400L), (2, 600L)], store.Read(c => c.Rows("SELECT model_version, row_count FROM decision_segment_versions ORDER BY model_version",
            row => ((int)row.Integer("model_version"), row.Integer("row_count")))));
        var decisions = new StoreDecisionLog(store, "run-1", "tick").ReadStep();
        Assert.Equal(Enumerable.Range(0, 1_000).Select(i => (long)i), decisions.Select(d => d.TradeId));
        Assert.Equal(Enumerable.Range(0, 1_000).Select(i => (double)i), decisions.Select(d => d.Features[0]));

        // Recovering again finds nothing; registering the same file again (two nodes closing it at once) is one registration.
        Assert.Empty(DecisionSegmentRecovery.RecoverStep(store, "run-1", "tick", Logger.None).Recovered);
        DecisionSegmentClosing.Register(store, streamId, 1, "run-1", "tick", "m", partial,
            [new(1, Start, Start.AddSeconds(399), 400), new(2, Start.AddSeconds(400), Start.AddSeconds(999), 600)]);
        Assert.Equal(segment, Assert.Single(DecisionSegmentTests.RegisteredSegments(store)));
        Assert.Equal(2, store.Count("decision_segment_versions"));

        // Stopped between registering and renaming: the registered segment reads from its temporary name, and the next
        // recovery gives it its final one without a second registration.
        var final = Path.Combine(workspace.ArtifactsDirectory, segment.StorePath);
        File.Move(final, partial);
        Assert.Equal(1_000, new StoreDecisionLog(store, "run-1", "tick").ReadStep().Count);
        Assert.Single(DecisionSegmentRecovery.RecoverStep(store, "run-1", "tick", Logger.None).Recovered);
        Assert.True(File.Exists(final) && !File.Exists(partial));
        Assert.Equal(segment, Assert.Single(DecisionSegmentTests.RegisteredSegments(store)));
        DecisionSegmentTests.AssertWhole(store, segment);
    }

    [Fact]
    public async Task Recovery_leaves_a_live_segment_alone_deletes_an_empty_one_and_keeps_one_it_cannot_read()
    {
        using var workspace = new PostgresWorkspace(await server.CreateDatabaseAsync("recoverkinds"));
        using var store = workspace.OpenStore();
        var log = new CollectingSink();
        using (var writer = new StoreDecisionLog(store, "run-1", "tick").OpenDecisions("m", ["x"]))
        {
            var micros = (Start - DateTime.UnixEpoch).Ticks / 10;
            for (var i = 0; i < 100; i++) writer.Append(i, micros + i, 1, 0.5, [i]);
            writer.Commit();
            var empty = CrashImage(store, "run-1", "tick", RegisterStream(store, "run-1", "tick"), rows: 0, firstVersionRows: 0);
            var unreadable = Path.Combine(Path.GetDirectoryName(empty)!, $"{RegisterStream(store, "run-1", "tick")}-000001.duckdb.partial");
            var garbage = Enumerable.Range(0, 10_000).Select(i => (byte)(i * 7)).ToArray();
            File.WriteAllBytes(unreadable, garbage);
            var live = Assert.Single(Directory.EnumerateFiles(Path.GetDirectoryName(empty)!, $"{((DecisionSegmentWriter)writer).StreamId}-*.partial"));

            var report = DecisionSegmentRecovery.RecoverStep(store, "run-1", "tick", Collecting(log));
            Assert.Equal([live], report.Live);
            Assert.Equal([empty], report.Deleted);
            var (kept, problem) = Assert.Single(report.Kept);
            Assert.Equal(unreadable, kept);
            Assert.Contains("not a valid DuckDB database file", problem);
            Assert.Empty(report.Recovered);
            Assert.Empty(DecisionSegmentTests.RegisteredSegments(store));

            Assert.False(File.Exists(empty));
            Assert.Equal(garbage, File.ReadAllBytes(unreadable));
            Assert.Contains(log.Events, e => e.Level == LogEventLevel.Warning && e.Text.Contains(unreadable) && e.Text.Contains(problem));
            // Nothing recovery cannot read is ever deleted, however often it runs.
            DecisionSegmentRecovery.RecoverStep(store, "run-1", "tick", Logger.None);
            Assert.Equal(garbage, File.ReadAllBytes(unreadable));
        }

        // The live segment was untouched: its writer closed and registered it.
        Assert.Equal(100, Assert.Single(DecisionSegmentTests.RegisteredSegments(store)).Rows);
        Assert.Equal(100, new StoreDecisionLog(store, "run-1", "tick").ReadStep().Count);
    }

    [Fact]
    public async Task Retention_registers_what_killed_streams_left_and_then_purges_it_by_the_same_rules()
    {
        using var workspace = new PostgresWorkspace(await server.CreateDatabaseAsync("recoverretention"));
        using var store = workspace.OpenStore();
        var now = Start.AddDays(10);
        // One stream's decisions all before the cutoff, another's on the fifth day before now and later.
        var old = CrashImage(store, "run-old", "tick", RegisterStream(store, "run-old", "tick"), rows: 100, firstVersionRows: 100);
        var recentStream = RegisterStream(store, "run-new", "tick");
        var recent = CrashImage(store, "run-new", "tick", recentStream, rows: 100, firstVersionRows: 100, start: now.AddDays(-5));

        var dry = new ModelRegistry(store, RegistryActor.Person(), 20).ApplyRetention(new RetentionSettings { DecisionDays = 7 }, now, dryRun: true, "test");
        Assert.Equal(0, dry.DecisionRows);
        Assert.True(File.Exists(old) && File.Exists(recent), "a dry run changes nothing");

        var report = new ModelRegistry(store, RegistryActor.Person(), 20).ApplyRetention(new RetentionSettings { DecisionDays = 7 }, now, dryRun: false, "test");
        Assert.Equal(100, report.DecisionRows);
        Assert.Contains(report.Actions, a => a.StartsWith("register decision segment decisions/run-old/tick/", StringComparison.Ordinal) && a.EndsWith(": 100 decision(s)", StringComparison.Ordinal));
        Assert.Contains(report.Actions, a => a.StartsWith("register decision segment decisions/run-new/tick/", StringComparison.Ordinal));
        Assert.Contains("delete 100 decision(s) of m v1 on trades before 2026-11-23 00:00", report.Actions);

        var segment = Assert.Single(DecisionSegmentTests.RegisteredSegments(store));
        Assert.Equal((recentStream, 100L), (segment.StreamId, segment.Rows));
        DecisionSegmentTests.AssertWhole(store, segment);
        Assert.Empty(new StoreDecisionLog(store, "run-old", "tick").ReadStep());
        Assert.Equal(100, new StoreDecisionLog(store, "run-new", "tick").ReadStep().Count);
        Assert.Equal([Path.Combine(workspace.ArtifactsDirectory, segment.StorePath)],
            Directory.EnumerateFiles(Path.Combine(workspace.ArtifactsDirectory, "decisions"), "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_retention_pass_that_keeps_every_decision_still_registers_what_killed_streams_left()
    {
        using var workspace = new PostgresWorkspace(await server.CreateDatabaseAsync("recoverkeep"));
        using var store = workspace.OpenStore();
        var stream = RegisterStream(store, "run-once", "tick");
        CrashImage(store, "run-once", "tick", stream, rows: 50, firstVersionRows: 20);
        Assert.Empty(new StoreDecisionLog(store, "run-once", "tick").ReadStep());

        // decision_days 0: decisions are kept for ever, and the step is never run again.
        var report = new ModelRegistry(store, RegistryActor.Person(), 20).ApplyRetention(new RetentionSettings { DecisionDays = 0 }, Start.AddDays(1), dryRun: false, "test");

        Assert.Equal(0, report.DecisionRows);
        Assert.Contains(report.Actions, a => a.StartsWith("register decision segment decisions/run-once/tick/", StringComparison.Ordinal) && a.EndsWith(": 50 decision(s)", StringComparison.Ordinal));
        Assert.Equal(50, new StoreDecisionLog(store, "run-once", "tick").ReadStep().Count);
    }

    /// <summary>A stream of the step, registered as a writer registers it; its writer closes without writing a segment.</summary>
    private static int RegisterStream(PipelineStore store, string runId, string stepId)
    {
        using var writer = new DecisionSegmentWriter(store, runId, stepId, "m", ["x"], DecisionSegmentPolicy.Default);
        return writer.StreamId;
    }

    /// <summary>
    /// What a writer killed mid-segment leaves: the segment's file and write-ahead log as they are on disk after
    /// <paramref name="rows"/> decisions were committed (trade i at <c>start + i s</c>, feature i; the first
    /// <paramref name="firstVersionRows"/> by version 1, the rest by version 2), copied while the database is still open.
    /// </summary>
    private string CrashImage(PipelineStore store, string runId, string stepId, int streamId, int rows, int firstVersionRows, DateTime? start = null)
    {
        var directory = Path.Combine(store.Layout.ArtifactsDirectory, "decisions", runId, stepId);
        Directory.CreateDirectory(directory);
        Directory.CreateDirectory(_scratch);
        var open = Path.Combine(_scratch, $"{streamId}.duckdb");
        var partial = Path.Combine(directory, $"{streamId}-000001.duckdb.partial");
        using (var connection = new DuckDBConnection($"Data Source={open}"))
        {
            connection.Open();
            Execute(connection, DecisionSegmentWriter.SegmentTable);
            Execute(connection, $"INSERT INTO decision_rows SELECT {streamId}, range, TIMESTAMP '{start ?? Start:yyyy-MM-dd HH:mm:ss}' + range * INTERVAL 1 SECOND, " +
                                $"CASE WHEN range < {firstVersionRows} THEN 1 ELSE 2 END, range / 1000.0, [range::DOUBLE] FROM range({rows})");
            File.Copy(open, partial);
            if (File.Exists(open + ".wal")) File.Copy(open + ".wal", partial + ".wal");
        }
        return partial;
    }

    /// <summary>The trades in a segment file left by a killed stream, read by DuckDB from a copy, so the file itself is not touched.</summary>
    private IEnumerable<long> CommittedTrades(string partial)
    {
        Directory.CreateDirectory(_scratch);
        var copy = Path.Combine(_scratch, Guid.NewGuid().ToString("N") + ".duckdb");
        File.Copy(partial, copy);
        if (File.Exists(partial + ".wal")) File.Copy(partial + ".wal", copy + ".wal");
        using var connection = new DuckDBConnection($"Data Source={copy}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT trade_id FROM decision_rows";
        using var reader = command.ExecuteReader();
        var trades = new List<long>();
        while (reader.Read()) trades.Add(reader.GetInt64(0));
        return trades;
    }

    private static void Execute(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static ILogger Collecting(CollectingSink sink) => new LoggerConfiguration().MinimumLevel.Debug().WriteTo.Sink(sink).CreateLogger();

    private sealed class CollectingSink : ILogEventSink
    {
        private readonly List<(LogEventLevel Level, string Text)> _events = [];

        public IReadOnlyList<(LogEventLevel Level, string Text)> Events
        {
            get { lock (_events) return _events.ToList(); }
        }

        public void Emit(LogEvent logEvent)
        {
            // The properties' own values, as the message would quote (and escape) them.
            var values = logEvent.Properties.Values.Select(v => v is ScalarValue { Value: var value } ? Convert.ToString(value, CultureInfo.InvariantCulture) : v.ToString());
            lock (_events) _events.Add((logEvent.Level, string.Join(" | ", values)));
        }
    }
}
