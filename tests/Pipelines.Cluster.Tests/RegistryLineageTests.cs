using Pipelines.Abstractions;
using Pipelines.Cluster.Tests.Support;
using Pipelines.Engine.Storage;

namespace Pipelines.Cluster.Tests;

/// <summary>
/// The parent a continued model names in its metrics is recorded by the registry in PostgreSQL as in DuckDB (store
/// migration 14), and <c>models show</c> prints the chain from a PostgreSQL store.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class RegistryLineageTests(PostgresServer server)
{
    private static string ContinuedFrom(string model, int version) =>
        $$"""{ "objective": "binary", "continued_from": { "model": "{{model}}", "version": {{version}}, "model_sha256": "x", "parent_iterations": 10 } }""";

    [Fact]
    public async Task A_continued_version_names_its_parent_and_models_show_prints_the_chain()
    {
        using var workspace = new PostgresWorkspace(await server.CreateDatabaseAsync("lineage"));
        using (var store = workspace.OpenStore())
        {
            var registry = new ModelRegistry(store, RegistryActor.Person(), maxVersions: 20);
            registry.Register("base", RegistryConcurrencyTests.Model(store, "base 1"), null, null, "trained");
            registry.Register("updown", RegistryConcurrencyTests.Model(store, "updown 1"), ContinuedFrom("base", 1), null, "continued");
            registry.Register("updown", RegistryConcurrencyTests.Model(store, "updown 2"), ContinuedFrom("updown", 1), null, "continued");
            registry.Register("updown", RegistryConcurrencyTests.Model(store, "updown 3"), """{ "objective": "binary" }""", null, "trained");
            Assert.Equal([new ModelParent("base", 1), new ModelParent("updown", 1), null], registry.Versions("updown").Select(v => v.Parent));
            Assert.Null(registry.Find("base", "1")!.Parent);
        }

        var show = await workspace.RunAsync(TimeSpan.FromSeconds(60), "models", "show", "updown");
        Assert.True(show.ExitCode == 0, show.All);
        Assert.Contains("v2 ← v1 ← base v1", show.All);
    }
}
