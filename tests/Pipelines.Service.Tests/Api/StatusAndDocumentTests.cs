using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Pipelines.Abstractions;
using Pipelines.Engine.Events;
using Pipelines.Engine.Storage;
using Pipelines.Service.Scheduling;

namespace Pipelines.Service.Tests.Api;

public sealed class StatusAndDocumentTests
{
    /// <summary>A scheduler's view with fixed answers, as the service's scheduler would give them.</summary>
    private sealed class FixedSchedule(IReadOnlyList<UpcomingFire> fires, params string[] paused) : ITriggerSchedule
    {
        public bool IsRunning => true;
        public IReadOnlyList<UpcomingFire> Upcoming(int perPipeline) => fires.GroupBy(f => f.Pipeline).SelectMany(g => g.Take(perPipeline)).ToList();
        public bool IsPaused(string pipeline) => paused.Contains(pipeline);
    }

    private static readonly DateTimeOffset Monday = new(2031, 3, 3, 3, 0, 0, TimeSpan.Zero);

    private static void Seed(ServiceApiHost host)
    {
        var registry = new ModelRegistry(host.Store, RegistryActor.Person(), 20);
        registry.Register("toxicity", host.ModelArtifact("one"), null, null, "trained");
        registry.Register("toxicity", host.ModelArtifact("two"), null, null, "trained");
        registry.Promote("toxicity", 1, ModelRegistry.Champion, "first");
        registry.Promote("toxicity", 2, ModelRegistry.Challenger, "shadow");
        new StoreDriftLog(host.Store, "run-d", "drift").Record([
            new DriftEvent("toxicity", "spread", "psi", 0.4, "HIGH", ""), new DriftEvent("toxicity", "volume", "psi", 0.01, "NONE", "")]);
        host.Store.PublishEvent(new EventDraft("performance.degraded", "/pipelines/watch/runs/r9", RunId: "r9", Model: "toxicity",
            PayloadJson: """{"note":"<script>alert(1)</script>"}"""));
        host.Store.InsertRun(new RunRecord("run-0001-abcdef", "retrain", "pipelines/retrain.yaml", "sha", "name: retrain", "{}", null, null,
            RunStatus.Failed, DateTime.UtcNow.AddMinutes(-3), DateTime.UtcNow.AddMinutes(-2), "host", 1, false, 0, "step train failed"));
    }

    [Fact]
    public async Task Status_reports_the_scheduler_from_di_and_each_models_aliases_and_last_checks()
    {
        var schedule = new FixedSchedule([new UpcomingFire("retrain", "0 3 * * MON", "Europe/London", Monday), new UpcomingFire("watch", "0 * * * *", "UTC", Monday.AddHours(-1))], "watch");
        await using var host = await ServiceApiHost.StartAsync(services: s => s.AddSingleton<ITriggerSchedule>(schedule));
        Seed(host);

        var status = await host.GetJson("/api/v1/status");
        Assert.True(status["scheduler"]!["running"]!.GetValue<bool>());
        Assert.Equal(["watch", "retrain"], status["scheduler"]!["nextFires"]!.AsArray().Select(f => f!["pipeline"]!.GetValue<string>()));
        Assert.Equal(["watch"], status["scheduler"]!["paused"]!.AsArray().Select(p => p!.GetValue<string>()));
        var model = Assert.Single(status["models"]!.AsArray())!;
        Assert.Equal((1, 2), (model["champion"]!.GetValue<int>(), model["challenger"]!.GetValue<int>()));
        Assert.Equal("HIGH", model["lastDrift"]!["severity"]!.GetValue<string>());
        Assert.Equal(["spread"], model["lastDrift"]!["driftedFeatures"]!.AsArray().Select(f => f!.GetValue<string>()));
        Assert.Equal("performance.degraded", model["lastPerformance"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Without_a_scheduler_the_status_says_it_is_not_running()
    {
        await using var host = await ServiceApiHost.StartAsync();
        var status = await host.GetJson("/api/v1/status");
        Assert.False(status["scheduler"]!["running"]!.GetValue<bool>());
        Assert.Empty(status["scheduler"]!["nextFires"]!.AsArray());
        Assert.Empty(status["models"]!.AsArray());
    }

    [Fact]
    public async Task The_home_page_shows_champions_runs_next_fires_and_events_escaped_with_studio_one_click_away()
    {
        var schedule = new FixedSchedule([new UpcomingFire("retrain", "0 3 * * MON", "Europe/London", Monday)]);
        await using var host = await ServiceApiHost.StartAsync(services: s => s.AddSingleton<ITriggerSchedule>(schedule));
        Seed(host);

        var html = await host.Client.GetStringAsync("/");
        Assert.Contains("<tr data-model=\"toxicity\"><td>toxicity</td><td class=\"champion\">v1</td><td class=\"challenger\">v2</td>", html);
        Assert.Contains("2031-03-03 03:00:00", html);
        Assert.Contains(">run-0001-abcdef</a>", html);
        Assert.Contains("<td class=\"status failed\">failed</td>", html);
        Assert.Contains("performance.degraded", html);
        Assert.DoesNotContain("<script>alert(1)</script>", html);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html);
        Assert.Contains("href=\"studio\"", html);
    }

    [Fact]
    public async Task With_a_key_the_home_page_shows_no_data_and_its_panel_needs_the_key()
    {
        const string key = "k-0123456789abcdef";
        await using var host = await ServiceApiHost.StartAsync(apiKey: key);
        Seed(host);
        using var anonymous = new HttpClient { BaseAddress = new Uri(host.Address) };
        var page = await anonymous.GetStringAsync("/");
        Assert.DoesNotContain("toxicity", page);
        Assert.Contains("api-key", page);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/status/panel")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/models")).StatusCode);
        Assert.Contains("toxicity", await host.Client.GetStringAsync("/status/panel"));
    }

    [Fact]
    public async Task The_openapi_document_lists_every_service_endpoint_with_tags_and_summaries_and_none_of_elsas()
    {
        await using var host = await ServiceApiHost.StartAsync();
        var document = await host.GetJson("/openapi/v1.json");
        var paths = document["paths"]!.AsObject();
        var expected = new (string Path, string Method)[]
        {
            ("/api/v1/models", "get"), ("/api/v1/models/{name}", "get"), ("/api/v1/models/{name}/versions/{version}", "get"),
            ("/api/v1/models/{name}/promote", "post"), ("/api/v1/models/{name}/rollback", "post"), ("/api/v1/models/{name}/retire", "post"),
            ("/api/v1/models/{name}/performance", "get"), ("/api/v1/drift/events", "get"), ("/api/v1/shadow/summary", "get"),
            ("/api/v1/events", "get"), ("/api/v1/events/stream", "get"), ("/api/v1/status", "get"),
            ("/api/v1/cluster/status", "get"),
        };
        foreach (var (path, method) in expected)
        {
            var operation = paths[path]?[method];
            Assert.True(operation is not null, $"{method.ToUpperInvariant()} {path} is missing from the document; it has {string.Join(", ", paths.Select(p => p.Key))}");
            Assert.NotEmpty(operation!["tags"]!.AsArray());
            Assert.False(string.IsNullOrEmpty(operation["summary"]?.GetValue<string>()), $"{path} has no summary");
        }
        Assert.DoesNotContain(paths, p => p.Key.StartsWith("/elsa", StringComparison.Ordinal));
        var driftQuery = paths["/api/v1/drift/events"]!["get"]!["parameters"]!.AsArray().Select(p => p!["name"]!.GetValue<string>().ToLowerInvariant());
        Assert.Equal(["days", "feature", "limit", "model"], driftQuery.Order());
        Assert.Equal(["200", "400", "404", "409"], paths["/api/v1/models/{name}/promote"]!["post"]!["responses"]!.AsObject().Select(r => r.Key).Order());
        Assert.NotNull(paths["/api/v1/models/{name}/promote"]!["post"]!["requestBody"]);
        // The reference page and the script it loads come from the service itself: it works offline.
        var reference = await host.Client.GetAsync("/api/reference");
        Assert.Equal(HttpStatusCode.OK, reference.StatusCode);
        var script = new Uri(reference.RequestMessage!.RequestUri!, "scalar.js");
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync(script)).StatusCode);
    }
}
