using Pipelines.Abstractions;
using Pipelines.Engine.Storage;
using Pipelines.Engine.Tests.Support;

namespace Pipelines.Engine.Tests.Registry;

public sealed class ModelRegistryTests : IDisposable
{
    private readonly EngineHarness _h = new();

    public void Dispose() => _h.Dispose();

    private static string Lifecycle(string modelText) => $$$"""
        name: lifecycle
        steps:
          - id: train
            uses: test/model
            with: { text: "{{{modelText}}}" }
          - id: register
            uses: registry/register
            with: { name: toxicity, model: "${{ steps.train.outputs.file }}" }
          - id: promote
            uses: registry/promote
            with: { name: toxicity, version: "${{ steps.register.outputs.version }}", reason: passed the gate }
        """;

    [Fact]
    public void Register_promote_and_rollback_move_one_champion_and_audit_every_change()
    {
        var first = _h.Run(Lifecycle("model one"));
        Assert.True(first.Status == RunStatus.Succeeded, _h.Failures(first));
        var second = _h.Run(Lifecycle("model two"));
        Assert.True(second.Status == RunStatus.Succeeded, _h.Failures(second));

        var registry = new ModelRegistry(_h.Store, RegistryActor.Person(), 20);
        var versions = registry.Versions("toxicity");
        Assert.Equal([1, 2], versions.Select(v => v.Version));
        Assert.Equal(ModelRegistry.Stages.Retired, versions[0].Stage);
        Assert.Equal(ModelRegistry.Stages.Production, versions[1].Stage);
        Assert.Equal(["champion"], versions[1].Aliases);
        Assert.Equal(second.RunId, versions[1].RunId);
        Assert.Equal("model two", File.ReadAllText(_h.Store.Artifacts.OpenVerified(versions[1].Model)));

        var restored = registry.Rollback("toxicity", "champion", "v2 misbehaved in production");
        Assert.Equal(1, restored.Version);
        Assert.Equal(ModelRegistry.Stages.Production, restored.Stage);
        Assert.Equal(ModelRegistry.Stages.Retired, registry.Find("toxicity", "2")!.Stage);
        Assert.Equal(1, registry.Find("toxicity", "champion")!.Version);

        var audit = registry.Transitions("toxicity").Select(t => (t.Version, t.Action)).ToList();
        Assert.Equal([(1, "register"), (1, "promote"), (2, "register"), (2, "promote"), (1, "retire"), (1, "rollback"), (2, "retire")], audit);
        var promotion = registry.Transitions("toxicity").First(t => t.Action == "promote" && t.Version == 2);
        Assert.Equal(second.RunId, promotion.RunId);
        Assert.Equal("promote", promotion.StepId);
        Assert.Equal("passed the gate", promotion.Reason);
    }

    [Fact]
    public void Every_registry_transition_publishes_its_event_with_the_versions_and_the_reason()
    {
        var first = _h.Run(Lifecycle("model one"));
        var second = _h.Run(Lifecycle("model two"));
        Assert.True(second.Status == RunStatus.Succeeded, _h.Failures(second));
        new ModelRegistry(_h.Store, RegistryActor.Person(), 20).Rollback("toxicity", "champion", "v2 misbehaved in production");

        var events = _h.Store.Events(new Pipelines.Engine.Events.EventQuery(Model: "toxicity", AfterSequence: 0));
        var summary = events.Select(e =>
        {
            var payload = System.Text.Json.Nodes.JsonNode.Parse(e.PayloadJson)!;
            return $"{e.Type} v{payload["version"]} {payload["alias"]} prev {payload["previous_version"]}";
        });
        // The audit trail above, one event per transition except the challenger alias a promotion drops.
        Assert.Equal(
        [
            "model.registered v1  prev ", "model.promoted v1 champion prev ",
            "model.registered v2  prev ", "model.promoted v2 champion prev 1", "model.retired v1 champion prev ",
            "model.rolled_back v1 champion prev 2", "model.retired v2 champion prev ",
        ], summary);

        var promotion = events.Single(e => e.Type == "model.promoted" && e.RunId == second.RunId);
        Assert.Equal(("lifecycle", "promote", $"/pipelines/lifecycle/runs/{second.RunId}/steps/promote"), (promotion.Pipeline, promotion.StepId, promotion.Source));
        Assert.Equal("passed the gate", (string?)System.Text.Json.Nodes.JsonNode.Parse(promotion.PayloadJson)!["reason"]);
        var rollback = events.Single(e => e.Type == "model.rolled_back");
        Assert.Equal(("/registry", (string?)null), (rollback.Source, rollback.RunId));
        Assert.Equal("v2 misbehaved in production", (string?)System.Text.Json.Nodes.JsonNode.Parse(rollback.PayloadJson)!["reason"]);
        Assert.Equal(first.RunId, events[0].RunId);
    }

    [Fact]
    public void Rerunning_a_pipeline_neither_reuses_registry_steps_from_cache_nor_mints_duplicate_versions()
    {
        _h.Run(Lifecycle("model one"));
        _h.Run(Lifecycle("model two"));
        var again = _h.Run(Lifecycle("model one"));

        Assert.Equal(StepStatus.Cached, again.Steps["train"]);
        Assert.Equal(StepStatus.Succeeded, again.Steps["register"]);
        Assert.Equal(StepStatus.Succeeded, again.Steps["promote"]);
        var registry = new ModelRegistry(_h.Store, RegistryActor.Person(), 20);
        Assert.Equal([1, 2], registry.Versions("toxicity").Select(v => v.Version));
        Assert.Equal(1, registry.Find("toxicity", "champion")!.Version);
    }

    [Fact]
    public void Concurrent_promotions_never_leave_two_champions()
    {
        var registry = new ModelRegistry(_h.Store, RegistryActor.Person(), 50);
        var versions = Enumerable.Range(0, 8).Select(i => registry.Register("fill", Model($"m{i}"), null, null, "test").Version).ToArray();

        Parallel.For(0, 200, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var version = versions[i % versions.Length];
            var concurrent = new ModelRegistry(_h.Store, RegistryActor.Person(), 50);
            concurrent.Promote("fill", version, "champion", $"promotion {i}");
        });

        var all = registry.Versions("fill");
        Assert.Single(all, v => v.Aliases.Contains("champion"));
        Assert.Single(all, v => v.Stage == ModelRegistry.Stages.Production);
        Assert.Equal(all.Single(v => v.Aliases.Contains("champion")).Version, all.Single(v => v.Stage == ModelRegistry.Stages.Production).Version);
        Assert.Equal(1, _h.Store.Read(c => c.Scalar<long>("SELECT count(*) FROM model_aliases WHERE name = 'fill' AND alias = 'champion'")));
    }

    [Fact]
    public void Retention_prunes_the_oldest_unaliased_versions()
    {
        var registry = new ModelRegistry(_h.Store, RegistryActor.Person(), 3);
        registry.Register("calib", Model("a"), null, null, "test");
        registry.Promote("calib", 1, "champion", "first");
        for (var i = 0; i < 4; i++) registry.Register("calib", Model($"b{i}"), null, null, "test");

        Assert.Equal([1, 4, 5], registry.Versions("calib").Select(v => v.Version));
        Assert.Contains(registry.Transitions("calib"), t => t.Action == "prune" && t.Version == 2);
    }

    [Fact]
    public void Bad_requests_are_refused_clearly()
    {
        var registry = new ModelRegistry(_h.Store, RegistryActor.Person(), 3);
        Assert.Contains("must be lower-case", Assert.Throws<ArgumentException>(() => registry.Register("Bad Name", Model("x"), null, null, "t")).Message);
        registry.Register("m", Model("x"), null, null, "t");
        Assert.Contains("has no version 7", Assert.Throws<ArgumentException>(() => registry.Promote("m", 7, "champion", "t")).Message);
        Assert.Contains("nothing to roll back", Assert.Throws<InvalidOperationException>(() =>
        {
            registry.Promote("m", 1, "champion", "t");
            registry.Rollback("m", "champion", "t");
        }).Message);
    }

    /// <summary>A model artifact in the store, as a train step would leave it.</summary>
    private Artifact Model(string text)
    {
        var staged = _h.Store.Artifacts.Stage("test", "model", "model", "txt");
        File.WriteAllText(staged.Path, text);
        var artifact = _h.Store.Artifacts.Commit(staged);
        _h.Store.CompleteStepRun(new StepRunRecord("test", $"model-{text}", "test/model", 1, StepStatus.Succeeded, null, null, 1, DateTime.UtcNow,
            DateTime.UtcNow, 0, null, null, null), [("file", artifact)], []);
        return artifact;
    }
}
