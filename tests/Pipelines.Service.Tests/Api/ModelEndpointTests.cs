using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Pipelines.Engine.Events;
using Pipelines.Engine.Storage;

namespace Pipelines.Service.Tests.Api;

public sealed class ModelEndpointTests : IAsyncLifetime
{
    private ServiceApiHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await ServiceApiHost.StartAsync();
        var registry = new ModelRegistry(_host.Store, RegistryActor.Person(), 20);
        foreach (var text in new[] { "one", "two", "three" }) registry.Register("toxicity", _host.ModelArtifact(text), """{"auc":0.7}""", null, "trained");
        registry.Promote("toxicity", 1, ModelRegistry.Champion, "first");
        registry.Promote("toxicity", 2, ModelRegistry.Champion, "better");
        registry.Promote("toxicity", 3, ModelRegistry.Challenger, "to shadow");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task The_list_and_the_model_show_champion_challenger_versions_and_audit_trail_as_the_registry_has_them()
    {
        var list = (await _host.GetJson("/api/v1/models"))["items"]!.AsArray();
        var toxicity = Assert.Single(list)!;
        Assert.Equal(("toxicity", 2, 3, 3), (toxicity["name"]!.GetValue<string>(), toxicity["champion"]!.GetValue<int>(), toxicity["challenger"]!.GetValue<int>(), toxicity["versions"]!.GetValue<int>()));
        Assert.Equal((3, "shadow"), (toxicity["latestVersion"]!.GetValue<int>(), toxicity["latestStage"]!.GetValue<string>()));

        var model = await _host.GetJson("/api/v1/models/toxicity");
        var registry = new ModelRegistry(_host.Store, RegistryActor.Person(), 20);
        Assert.Equal(registry.Versions("toxicity").Select(v => v.Stage), model["versions"]!.AsArray().Select(v => v!["stage"]!.GetValue<string>()));
        Assert.Equal(registry.Transitions("toxicity").Select(t => t.Action), model["transitions"]!.AsArray().Select(t => t!["action"]!.GetValue<string>()));
        Assert.Equal(0.7, model["versions"]![1]!["metrics"]!["auc"]!.GetValue<double>());

        var version = await _host.GetJson("/api/v1/models/toxicity/versions/3");
        Assert.Equal("shadow", version["stage"]!.GetValue<string>());
        Assert.Equal(["challenger"], version["aliases"]!.AsArray().Select(a => a!.GetValue<string>()));
    }

    [Fact]
    public async Task An_unknown_model_or_version_is_404_and_a_version_that_is_not_a_number_is_400_naming_it()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await _host.Client.GetAsync("/api/v1/models/nobody")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _host.Client.GetAsync("/api/v1/models/toxicity/versions/9")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _host.Client.GetAsync("/api/v1/models/nobody/performance")).StatusCode);
        var bad = await _host.Client.GetAsync("/api/v1/models/toxicity/versions/latest");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.NotNull(JsonNode.Parse(await bad.Content.ReadAsStringAsync())!["errors"]!["version"]);
    }

    [Fact]
    public async Task Promote_rollback_and_retire_change_the_registry_and_are_audited_with_the_api_caller_and_the_reason()
    {
        var promoted = await _host.Client.PostAsJsonAsync("/api/v1/models/toxicity/promote", new { version = 3, reason = "won the shadow test" });
        Assert.Equal(HttpStatusCode.OK, promoted.StatusCode);
        var registry = new ModelRegistry(_host.Store, RegistryActor.Person(), 20);
        Assert.Equal(3, registry.Find("toxicity", "champion")!.Version);
        var audit = registry.Transitions("toxicity").Last(t => t.Action == "promote");
        Assert.Equal(("won the shadow test", "api 127.0.0.1"), (audit.Reason, audit.Actor));

        var rolledBack = await _host.Client.PostAsJsonAsync("/api/v1/models/toxicity/rollback", new { version = 3, reason = "live losses" });
        Assert.Equal(HttpStatusCode.OK, rolledBack.StatusCode);
        Assert.Equal(2, registry.Find("toxicity", "champion")!.Version);

        var staged = registry.Register("toxicity", _host.ModelArtifact("four"), null, null, "trained").Version;
        var retired = await _host.Client.PostAsJsonAsync("/api/v1/models/toxicity/retire", new { version = staged, reason = "superseded" });
        Assert.Equal(HttpStatusCode.OK, retired.StatusCode);
        Assert.Equal(ModelRegistry.Stages.Retired, registry.Find("toxicity", staged.ToString())!.Stage);
        Assert.Contains(registry.Transitions("toxicity"), t => t.Action == "retire" && t.Version == staged && t.Reason == "superseded" && t.Actor == "api 127.0.0.1");
    }

    [Fact]
    public async Task Retiring_the_challenger_ends_its_challenge_and_retiring_it_again_changes_nothing()
    {
        var retired = await _host.Client.PostAsJsonAsync("/api/v1/models/toxicity/retire", new { version = 3, reason = "lost the shadow test" });
        Assert.Equal(HttpStatusCode.OK, retired.StatusCode);
        var registry = new ModelRegistry(_host.Store, RegistryActor.Person(), 20);
        Assert.Null(registry.Find("toxicity", ModelRegistry.Challenger));
        Assert.Equal((ModelRegistry.Stages.Retired, 0), (registry.Find("toxicity", "3")!.Stage, registry.Find("toxicity", "3")!.Aliases.Count));
        var audit = registry.Transitions("toxicity").Where(t => t.Version == 3).Select(t => t.Action).ToList();
        Assert.Equal(["register", "promote", "unalias", "retire"], audit);

        Assert.Equal(HttpStatusCode.OK, (await _host.Client.PostAsJsonAsync("/api/v1/models/toxicity/retire", new { version = 3, reason = "again" })).StatusCode);
        Assert.Equal(audit.Count, registry.Transitions("toxicity").Count(t => t.Version == 3));
        Assert.Null((await _host.GetJson("/api/v1/models"))["items"]![0]!["challenger"]);
    }

    [Fact]
    public async Task Changes_the_registry_refuses_are_409_bad_bodies_are_400_naming_the_field_and_nothing_changes()
    {
        var before = new ModelRegistry(_host.Store, RegistryActor.Person(), 20).Transitions("toxicity").Count;
        async Task<(HttpStatusCode, JsonNode)> Post(string path, object body)
        {
            var response = await _host.Client.PostAsJsonAsync(path, body);
            return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
        }

        var (retireChampion, problem) = await Post("/api/v1/models/toxicity/retire", new { version = 2, reason = "oops" });
        Assert.Equal(HttpStatusCode.Conflict, retireChampion);
        Assert.Contains("is the champion", problem["detail"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Conflict, (await Post("/api/v1/models/toxicity/rollback", new { version = 1, reason = "stale view" })).Item1);
        var (noReason, missing) = await Post("/api/v1/models/toxicity/promote", new { version = 3 });
        Assert.Equal(HttpStatusCode.BadRequest, noReason);
        Assert.NotNull(missing["errors"]!["reason"]);
        var (noVersion, missingVersion) = await Post("/api/v1/models/toxicity/promote", new { reason = "why not" });
        Assert.Equal(HttpStatusCode.BadRequest, noVersion);
        Assert.NotNull(missingVersion["errors"]!["version"]);
        var (wrongType, typed) = await Post("/api/v1/models/toxicity/promote", new { version = "three", reason = "r" });
        Assert.Equal(HttpStatusCode.BadRequest, wrongType);
        Assert.NotNull(typed["errors"]!["version"]);
        var (badAlias, aliasProblem) = await Post("/api/v1/models/toxicity/promote", new { version = 3, reason = "r", alias = "Not An Alias" });
        Assert.Equal(HttpStatusCode.BadRequest, badAlias);
        Assert.NotNull(aliasProblem["errors"]!["alias"]);
        Assert.Equal(HttpStatusCode.NotFound, (await Post("/api/v1/models/toxicity/promote", new { version = 42, reason = "r" })).Item1);
        Assert.Equal(HttpStatusCode.NotFound, (await Post("/api/v1/models/nobody/promote", new { version = 1, reason = "r" })).Item1);

        Assert.Equal(before, new ModelRegistry(_host.Store, RegistryActor.Person(), 20).Transitions("toxicity").Count);
        Assert.Equal(2, new ModelRegistry(_host.Store, RegistryActor.Person(), 20).Find("toxicity", "champion")!.Version);
    }

    [Fact]
    public async Task Performance_history_lists_the_models_performance_events_newest_first_and_nothing_else()
    {
        _host.Store.PublishEvent(new EventDraft("performance.checked", "/pipelines/watch/runs/r1", Model: "toxicity", PayloadJson: """{"winRate":0.55}"""));
        _host.Store.PublishEvent(new EventDraft("performance.checked", "/pipelines/watch/runs/r2", Model: "other", PayloadJson: """{"winRate":0.9}"""));
        _host.Store.PublishEvent(new EventDraft("drift.detected", "/pipelines/watch/runs/r2", Model: "toxicity"));
        _host.Store.PublishEvent(new EventDraft("performance.degraded", "/pipelines/watch/runs/r3", Model: "toxicity", PayloadJson: """{"winRate":0.41}"""));

        var history = await _host.GetJson("/api/v1/models/toxicity/performance?days=7");
        var items = history["items"]!.AsArray();
        Assert.Equal(["performance.degraded", "performance.checked"], items.Select(i => i!["type"]!.GetValue<string>()));
        Assert.Equal([0.41, 0.55], items.Select(i => i!["payload"]!["winRate"]!.GetValue<double>()));

        var bad = await _host.Client.GetAsync("/api/v1/models/toxicity/performance?days=0");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.NotNull(JsonNode.Parse(await bad.Content.ReadAsStringAsync())!["errors"]!["days"]);
    }
}
