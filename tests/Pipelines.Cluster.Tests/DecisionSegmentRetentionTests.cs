using Pipelines.Abstractions;
using Pipelines.Cluster.Tests.Support;
using Pipelines.Engine.Storage;

namespace Pipelines.Cluster.Tests;

/// <summary>
/// retention.decision_days on a PostgreSQL store purges the decisions in its segment files as the DuckDB store purges its
/// table: the same decisions go, with their explanations and the same audit rows; whole old segments are deleted, the
/// segment the cutoff falls in is rewritten, and every registered segment stays whole.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class DecisionSegmentRetentionTests(PostgresServer server) : IDisposable
{
    private static readonly DateTime Now = new(2026, 12, 6, 12, 0, 0, DateTimeKind.Utc);
    private readonly string _duckDbRoot = Path.Combine(Path.GetTempPath(), "pipelines-cluster-tests", Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        if (Directory.Exists(_duckDbRoot)) Directory.Delete(_duckDbRoot, recursive: true);
    }

    /// <summary>Ten days of decisions, six an hour apart per day at 00:00–05:00, by v1 then v2; every fifth trade explained.</summary>
    private static void Seed(PipelineStore store)
    {
        var log = new StoreDecisionLog(store, "run-live", "infer");
        using (var writer = log.OpenDecisions("flow", ["x", "y"]))
        using (var explanations = log.OpenExplanations("flow"))
        {
            var trade = 0L;
            for (var day = 10; day >= 1; day--)
                for (var hour = 0; hour < 6; hour++)
                {
                    var time = Now.Date.AddDays(-day).AddHours(hour);
                    var version = day > 4 ? 1 : 2;
                    writer.Append(trade, (time - DateTime.UnixEpoch).Ticks / 10, version, trade / 100.0, [trade, -trade]);
                    if (trade % 5 == 0) explanations.Append(trade, version, "x", 0.5, 1);
                    trade++;
                }
            writer.Commit();
            explanations.Commit();
        }
    }

    [Fact]
    public async Task Old_decisions_go_from_the_segments_as_from_the_DuckDB_table_and_the_rest_stays_whole()
    {
        using var workspace = new PostgresWorkspace(await server.CreateDatabaseAsync("retention"));
        var location = new StoreLocation
        {
            Root = workspace.StoreRoot, Kind = workspace.Location.Kind, ConnectionString = workspace.ConnectionString,
            ArtifactsDirectory = workspace.ArtifactsDirectory, DecisionSegments = new DecisionSegmentPolicy(5, TimeSpan.FromDays(1)),
        };
        using var duckDb = PipelineStore.Open(_duckDbRoot, TimeSpan.Zero);
        using var postgres = PipelineStore.Open(location, TimeSpan.Zero);
        Seed(duckDb);
        Seed(postgres);
        // Five decisions a segment: trades 0–4, 5–9, … 55–59.
        Assert.Equal(12, DecisionSegmentTests.RegisteredSegments(postgres).Count);

        // decision_days 3 at 02:00 today: the cutoff, 02:00 three days ago, is trade 44's time, the last of segment 40–44.
        var policy = new RetentionSettings { DecisionDays = 3, ShadowDays = 0, ArchiveRetiredDays = 0 };
        var now = Now.Date.AddHours(2);
        var dry = new ModelRegistry(postgres, RegistryActor.Person(), 20).ApplyRetention(policy, now, dryRun: true, "test");
        Assert.Equal(12, DecisionSegmentTests.RegisteredSegments(postgres).Count);
        var expected = new ModelRegistry(duckDb, RegistryActor.Person(), 20).ApplyRetention(policy, now, dryRun: false, "test");
        var actual = new ModelRegistry(postgres, RegistryActor.Person(), 20).ApplyRetention(policy, now, dryRun: false, "test");

        Assert.Equal(7 * 6 + 2, expected.DecisionRows);
        Assert.Equal(expected.DecisionRows, actual.DecisionRows);
        Assert.Equal(expected.Actions, actual.Actions);
        Assert.Equal(expected.Actions, dry.Actions);
        Assert.Equal(new StoreDecisionLog(duckDb, "run-live", "infer").ReadStep(), new StoreDecisionLog(postgres, "run-live", "infer").ReadStep());
        Assert.Equal(duckDb.Count("decision_explanations"), postgres.Count("decision_explanations"));
        Assert.Equal(Audit(duckDb), Audit(postgres));
        Assert.Equal(new StoreDecisionLog(duckDb, "x", "y").NewestTime("flow", 2), new StoreDecisionLog(postgres, "x", "y").NewestTime("flow", 2));

        // Registered segments are whole, and they are the only segment files left.
        var segments = DecisionSegmentTests.RegisteredSegments(postgres);
        // Trades 0–43 went: eight segments deleted, segment 40–44 rewritten to trade 44 alone, three untouched.
        Assert.Equal(4, segments.Count);
        Assert.Equal(1, segments.Single(s => s.FirstTime == now.AddDays(-3)).Rows);
        Assert.All(segments, s => DecisionSegmentTests.AssertWhole(postgres, s));
        Assert.Equal(segments.Select(s => Path.Combine(workspace.ArtifactsDirectory, s.StorePath)).Order(),
            Directory.EnumerateFiles(Path.Combine(workspace.ArtifactsDirectory, "decisions"), "*", SearchOption.AllDirectories).Order());

        // A second pass finds nothing more.
        Assert.Equal(0, new ModelRegistry(postgres, RegistryActor.Person(), 20).ApplyRetention(policy, now, dryRun: false, "again").DecisionRows);
    }

    private static List<(string, int, string)> Audit(PipelineStore store) => store.Read(c => c.Rows(
        "SELECT name, version, reason FROM model_transitions WHERE action = 'purge_decisions' ORDER BY seq",
        row => (row.Text("name"), (int)row.Integer("version"), row.Text("reason"))));
}
