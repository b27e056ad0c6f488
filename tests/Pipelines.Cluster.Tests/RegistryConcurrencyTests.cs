using Pipelines.Abstractions;
using Pipelines.Cluster.Tests.Support;
using Pipelines.Engine.Storage;

namespace Pipelines.Cluster.Tests;

/// <summary>
/// The registry's invariants hold in PostgreSQL across processes: promotions of different versions started at once by
/// separate <c>pipelines</c> processes all take effect one after another, leaving exactly one champion and one audit row
/// (and one event) per promotion.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class RegistryConcurrencyTests(PostgresServer server)
{
    private const int Versions = 10;

    [Fact]
    public async Task Ten_promotions_of_different_versions_from_separate_processes_leave_one_champion_and_ten_audit_rows()
    {
        using var workspace = new PostgresWorkspace(await server.CreateDatabaseAsync("promote"), "retention:\n  max_versions: 20\n");
        using (var store = workspace.OpenStore())
        {
            var registry = new ModelRegistry(store, RegistryActor.Person(), maxVersions: 20);
            for (var v = 1; v <= Versions; v++) registry.Register("toxicity", Model(store, $"model {v}"), null, null, "trained");
        }

        var promotions = Enumerable.Range(1, Versions)
            .Select(v => workspace.RunAsync(TimeSpan.FromSeconds(120), "models", "promote", "toxicity", v.ToString(), "--reason", $"promote {v}"))
            .ToList();
        var results = await Task.WhenAll(promotions);

        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.All));
        using (var store = workspace.OpenStore())
        {
            var registry = new ModelRegistry(store, RegistryActor.Person(), maxVersions: 20);
            var champions = store.Read(c => c.Scalar<long>("SELECT count(*) FROM model_aliases WHERE name = 'toxicity' AND alias = 'champion'"));
            Assert.Equal(1, champions);
            var audit = registry.Transitions("toxicity").Where(t => t.Action == "promote").ToList();
            Assert.Equal(Enumerable.Range(1, Versions), audit.Select(t => t.Version).Order());
            // The champion is the version of the promotion that committed last, and every other version was retired by the one after it.
            var champion = registry.Find("toxicity", ModelRegistry.Champion)!;
            Assert.Equal(audit[^1].Version, champion.Version);
            Assert.Equal(ModelRegistry.Stages.Production, champion.Stage);
            Assert.All(registry.Versions("toxicity").Where(v => v.Version != champion.Version),
                v => Assert.Equal(ModelRegistry.Stages.Retired, v.Stage));
            Assert.Equal(Versions - 1, registry.Transitions("toxicity").Count(t => t.Action == "retire"));
            Assert.Equal(Versions, store.Events(new Engine.Events.EventQuery(Type: "model.promoted", Limit: 100)).Count);
        }
    }

    [Fact]
    public async Task The_database_itself_refuses_a_second_champion_row()
    {
        using var workspace = new PostgresWorkspace(await server.CreateDatabaseAsync("champion"));
        using var store = workspace.OpenStore();
        var registry = new ModelRegistry(store, RegistryActor.Person(), maxVersions: 20);
        registry.Register("fill", Model(store, "a"), null, null, "trained");
        registry.Register("fill", Model(store, "b"), null, null, "trained");
        registry.Promote("fill", 1, ModelRegistry.Champion, "first");

        var refused = Assert.Throws<Npgsql.PostgresException>(() => store.InTransaction(c =>
            c.Execute("INSERT INTO model_aliases (name, alias, version, updated_at) VALUES ('fill', 'champion', 2, now())")));

        Assert.Equal(Npgsql.PostgresErrorCodes.UniqueViolation, refused.SqlState);
        Assert.Equal(1, registry.Find("fill", ModelRegistry.Champion)!.Version);
    }

    /// <summary>A model file in the store, recorded as a train step would leave it.</summary>
    internal static Artifact Model(PipelineStore store, string text)
    {
        var staged = store.Artifacts.Stage("seed", "train", "model", "txt");
        File.WriteAllText(staged.Path, text);
        var artifact = store.Artifacts.Commit(staged);
        store.CompleteStepRun(new StepRunRecord("seed", $"train-{artifact.ShortId}", "test/model", 1, StepStatus.Succeeded, null, null, 1,
            DateTime.UtcNow, DateTime.UtcNow, 0, null, null, null), [("model", artifact)], []);
        return artifact;
    }
}
