using System.Security.Cryptography;
using DuckDB.NET.Data;
using Microsoft.Extensions.Time.Testing;
using Pipelines.Cli.Bench;
using Pipelines.Cluster.Tests.Support;
using Pipelines.Engine.Storage;
using Pipelines.Learning.Trees;
using Pipelines.Steps.Inference;
using Serilog.Core;
using Pipelines.Testing;

namespace Pipelines.Cluster.Tests;

/// <summary>
/// A PostgreSQL store keeps a tick stream's decisions in DuckDB segment files under the shared artifact directory,
/// registered as each closes: the same stream gives the same decisions as a DuckDB store, read back through the same
/// log, and the writer's hot path stays free of allocations.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class DecisionSegmentTests(PostgresServer server) : IDisposable
{
    private static readonly Lazy<TreeEnsembleModel> Model = new(() => HotPathModel.Train(6_000, 256).Model);
    private readonly string _duckDbRoot = Path.Combine(Path.GetTempPath(), "pipelines-cluster-tests", Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        if (Directory.Exists(_duckDbRoot)) Directory.Delete(_duckDbRoot, recursive: true);
    }

    private static TickLoopResult Stream(PipelineStore store, long ticks)
    {
        var log = new StoreDecisionLog(store, "run-1", "tick");
        using var decisions = log.OpenDecisions("hotpath", HotPathModel.FeatureNames);
        using var explanations = log.OpenExplanations("hotpath");
        var loop = new TickInferenceLoop(HotPathModel.Source(3, ticks), HotPathModel.Features(), new LoadedModel("hotpath", 1, Model.Value), decisions,
            explanations, new StoreDriftLog(store, "run-1", "tick"), Logger.None, new TickLoopOptions { MaxTicks = ticks, ShapEvery = 1000, WarmUpTicks = 5_000 });
        return loop.Run(CancellationToken.None);
    }

    [Fact]
    public async Task The_same_tick_stream_stores_the_same_decisions_in_DuckDB_and_in_PostgreSQL_segments()
    {
        const long Ticks = 60_000;
        using var workspace = new PostgresWorkspace(await server.CreateDatabaseAsync("segments"));
        var location = new StoreLocation
        {
            Root = workspace.StoreRoot, Kind = workspace.Location.Kind, ConnectionString = workspace.ConnectionString,
            ArtifactsDirectory = workspace.ArtifactsDirectory, DecisionSegments = new DecisionSegmentPolicy(7_000, TimeSpan.FromHours(6)),
        };

        using var duckDb = PipelineStore.Open(_duckDbRoot, TimeSpan.Zero);
        using var postgres = PipelineStore.Open(location, TimeSpan.Zero);
        var onDuckDb = Stream(duckDb, Ticks);
        var onPostgres = Stream(postgres, Ticks);

        // The hot thread allocated nothing per tick in either store.
        Assert.Equal((0L, 0L), (onDuckDb.AllocatedBytes, onPostgres.AllocatedBytes));
        Assert.True(onPostgres.MeasuredTicks >= Ticks - 10_000, $"measured over {onPostgres.MeasuredTicks} ticks");

        var expected = new StoreDecisionLog(duckDb, "run-1", "tick").ReadStep();
        var actual = new StoreDecisionLog(postgres, "run-1", "tick").ReadStep();
        Assert.Equal(Ticks, expected.Count);
        Assert.Equal(expected, actual);

        // What monitoring reads (one row per trade, over a time window) and the newest decision's time agree too.
        var from = expected[(int)(Ticks / 4)].Time;
        var until = expected[(int)(Ticks / 2)].Time;
        Assert.Equal(new StoreDecisionLog(duckDb, "x", "y").Read("hotpath", 1, from, until), new StoreDecisionLog(postgres, "x", "y").Read("hotpath", 1, from, until));
        Assert.Equal(new StoreDecisionLog(duckDb, "x", "y").NewestTime("hotpath", 1), new StoreDecisionLog(postgres, "x", "y").NewestTime("hotpath", 1));
        Assert.Empty(new StoreDecisionLog(postgres, "x", "y").Read("hotpath", 2, from, until));

        // The rows are in registered segments, none in the server's own table; explanations are in the server's table.
        Assert.Equal(0, postgres.Count("decision_rows"));
        Assert.Equal(duckDb.Count("decision_explanations"), postgres.Count("decision_explanations"));
        Assert.Equal(Ticks / 1000 * 10, postgres.Count("decision_explanations"));
        var segments = RegisteredSegments(postgres);
        Assert.Equal(Ticks, segments.Sum(s => s.Rows));
        Assert.All(segments, s => Assert.True(s.Rows <= 7_000, $"{s.SegmentId} holds {s.Rows} rows"));
        Assert.True(segments.Count >= Ticks / 7_000 + 1, $"{segments.Count} segments");
        Assert.All(segments, s => AssertWhole(postgres, s));
        Assert.Empty(Directory.EnumerateFiles(workspace.ArtifactsDirectory, "*" + ".partial*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task The_segment_writer_appends_without_allocating()
    {
        using var workspace = new PostgresWorkspace(await server.CreateDatabaseAsync("segalloc"));
        using var store = workspace.OpenStore();
        var features = new double[HotPathModel.FeatureNames.Count];
        var start = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var micros = (start - DateTime.UnixEpoch).Ticks / 10;
        using (var writer = new StoreDecisionLog(store, "run-1", "tick").OpenDecisions("m", HotPathModel.FeatureNames))
        {
            for (var i = 0; i < 10_000; i++) writer.Append(i, micros + i, 1, 0.5, features);
            writer.Commit();
            var allocated = AllocationCounter.LeastPerRound(round =>
            {
                for (var i = 10_000 + round * 50_000; i < 10_000 + (round + 1) * 50_000; i++)
                {
                    features[0] = i;
                    writer.Append(i, micros + i, 1, i * 1e-6, features);
                }
            }, rounds: 4);
            Assert.Equal(0, allocated);
        }
        var segment = Assert.Single(RegisteredSegments(store));
        Assert.Equal((210_000L, start, start.AddTicks(209_999 * 10)), (segment.Rows, segment.FirstTime, segment.LastTime));
        AssertWhole(store, segment);
    }

    [Fact]
    public async Task A_segment_closes_at_the_first_commit_after_it_has_been_open_for_the_interval()
    {
        using var workspace = new PostgresWorkspace(await server.CreateDatabaseAsync("seginterval"));
        using var store = workspace.OpenStore();
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 10, 0, 0, TimeSpan.Zero));
        var micros = (new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc) - DateTime.UnixEpoch).Ticks / 10;
        using var writer = new DecisionSegmentWriter(store, "run-1", "tick", "m", ["x"], new DecisionSegmentPolicy(1_000_000, TimeSpan.FromMinutes(15)), clock);

        for (var i = 0; i < 100; i++) writer.Append(i, micros + i, 1, 0.5, [i]);
        writer.Commit();
        clock.Advance(TimeSpan.FromMinutes(15) - TimeSpan.FromTicks(1));
        writer.Commit();
        Assert.Empty(RegisteredSegments(store));

        clock.Advance(TimeSpan.FromTicks(1));
        writer.Commit();
        var first = Assert.Single(RegisteredSegments(store));
        Assert.Equal(100, first.Rows);

        // The next segment opens with the next decision, and its interval counts from then.
        clock.Advance(TimeSpan.FromHours(1));
        writer.Commit();
        writer.Append(100, micros + 100, 1, 0.5, [100]);
        clock.Advance(TimeSpan.FromMinutes(14));
        writer.Commit();
        Assert.Single(RegisteredSegments(store));
        clock.Advance(TimeSpan.FromMinutes(1));
        writer.Commit();
        Assert.Equal([100L, 1L], RegisteredSegments(store).Select(s => s.Rows));
        Assert.All(RegisteredSegments(store), s => AssertWhole(store, s));
    }

    internal static List<DecisionSegment> RegisteredSegments(PipelineStore store) => store.Read(c => c.Rows(
        "SELECT * FROM decision_segments ORDER BY segment_id",
        row => new DecisionSegment(row.Text("segment_id"), (int)row.Integer("stream_id"), row.Text("run_id"), row.Text("step_id"), row.Text("model"),
            row.Text("store_path"), row.Text("sha256"), row.Integer("bytes"), row.Time("first_time"), row.Time("last_time"), row.Integer("row_count"))));

    /// <summary>The segment's file is there, has the registered hash and size, and holds the registered rows and span.</summary>
    internal static void AssertWhole(PipelineStore store, DecisionSegment segment)
    {
        // Where readers find it: a segment registered just before its writer stopped may still have its temporary name.
        var path = DecisionSegmentClosing.Locate(Path.Combine(store.Layout.ArtifactsDirectory, segment.StorePath));
        var bytes = File.ReadAllBytes(path);
        Assert.Equal((segment.Sha256, segment.Bytes), (Convert.ToHexStringLower(SHA256.HashData(bytes)), (long)bytes.Length));
        Assert.False(File.Exists(path + ".wal"), $"{segment.StorePath} left a write-ahead log");
        using var connection = new DuckDBConnection($"Data Source={path};ACCESS_MODE=READ_ONLY");
        connection.Open();
        var (rows, first, last) = connection.Rows("SELECT count(*) AS n, min(time) AS first_time, max(time) AS last_time FROM decision_rows",
            row => (row.Integer("n"), row.Time("first_time"), row.Time("last_time"))).Single();
        Assert.Equal((segment.SegmentId, segment.Rows, segment.FirstTime, segment.LastTime), (segment.SegmentId, rows, first, last));
    }
}
