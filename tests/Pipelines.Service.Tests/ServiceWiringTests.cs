using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Pipelines.Cli;
using Pipelines.Engine.Events;
using Pipelines.Engine.Settings;
using Pipelines.Engine.Storage;
using Pipelines.Service.Tests.Notifications.Support;
using Pipelines.Service.Api.Notifications;
using Pipelines.Service.Tests.Support;

namespace Pipelines.Service.Tests;

/// <summary>
/// What the service host puts together: the read API and the run API in one OpenAPI document, Studio's Run button going
/// through the dispatcher, and the notifier delivering the events of runs the service ran.
/// </summary>
public sealed class ServiceWiringTests : IAsyncLifetime
{
    private readonly TestWorkspace _workspace = new();
    private readonly string _gate = Gates.NewKey();
    private HookReceiver _receiver = null!;
    private ServiceHost _service = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        Gates.Release(_gate);
        _workspace.Write("pipelines/ok.yaml", $$"""
            name: ok
            steps:
              - id: wait
                uses: test/gate
                with: { key: "{{_gate}}" }
            """);
        _receiver = await HookReceiver.StartAsync();
        _service = ServiceHost.Build(new ServiceOptions
        {
            WorkspaceRoot = _workspace.Root,
            PipelinesDirectory = Path.Combine(_workspace.Root, "pipelines"),
            Catalog = StepCatalogFactory.Create().Add(typeof(GateStep)),
            StorePath = _workspace.StoreRoot,
            Urls = ["http://127.0.0.1:0"],
            GracePeriod = TimeSpan.FromSeconds(5),
            Notify = [new NotifySink { Webhook = _receiver.Url("/hook"), Events = ["run.succeeded"] }],
        });
        await _service.StartAsync(CancellationToken.None);
        _http = new HttpClient { BaseAddress = new Uri(_service.Record!.Url + "/") };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _service.DisposeAsync();
        await _receiver.DisposeAsync();
        _workspace.Dispose();
    }

    public static TheoryData<string, string> IssuedRoutes() => new()
    {
        { "get", "/api/v1/pipelines" }, { "get", "/api/v1/pipelines/{name}" }, { "post", "/api/v1/pipelines/{name}/runs" },
        { "post", "/api/v1/pipelines/{name}/triggers/pause" }, { "post", "/api/v1/pipelines/{name}/triggers/resume" },
        { "get", "/api/v1/runs" }, { "get", "/api/v1/runs/{id}" }, { "post", "/api/v1/runs/{id}/cancel" }, { "post", "/api/v1/runs/{id}/resume" },
        { "get", "/api/v1/models" }, { "get", "/api/v1/models/{name}" }, { "get", "/api/v1/models/{name}/versions/{version}" },
        { "post", "/api/v1/models/{name}/promote" }, { "post", "/api/v1/models/{name}/rollback" }, { "post", "/api/v1/models/{name}/retire" },
        { "get", "/api/v1/models/{name}/performance" }, { "get", "/api/v1/drift/events" }, { "get", "/api/v1/shadow/summary" },
        { "get", "/api/v1/events" }, { "get", "/api/v1/events/stream" }, { "get", "/api/v1/status" }, { "get", "/api/v1/notifications" },
    };

    [Theory]
    [MemberData(nameof(IssuedRoutes))]
    public async Task The_openapi_document_lists_every_endpoint_of_the_service(string method, string route)
    {
        var document = JsonNode.Parse(await _http.GetStringAsync("openapi/v1.json"))!;
        var paths = document["paths"]!.AsObject();
        Assert.True(paths.ContainsKey(route), $"{route} is missing; the document lists {string.Join(", ", paths.Select(p => p.Key))}");
        Assert.NotNull(paths[route]![method]);
    }

    [Fact]
    public async Task Studios_run_button_starts_a_manual_run_through_the_dispatcher()
    {
        var response = await _http.PostAsJsonAsync("elsa/api/workflow-definitions/ok/execute", new { input = new { } });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var runId = response.Headers.GetValues("x-elsa-workflow-instance-id").Single();
        Assert.Equal(runId, (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["workflowState"]!["id"]);
        await WaitUntil(() => _service.Store.FindRun(runId) is { Status: RunStatus.Succeeded });
        Assert.Equal("manual", new FiringLog(_service.Store).ForRun(runId)!.Kind);

        var byVersion = await _http.PostAsJsonAsync("elsa/api/workflow-definitions/ok@0123456789abcdef/execute", new { });
        Assert.Equal(HttpStatusCode.OK, byVersion.StatusCode);

        var missing = await _http.PostAsJsonAsync("elsa/api/workflow-definitions/nope/execute", new { });
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task A_webhook_on_loopback_receives_the_cloud_event_of_a_run_the_service_ran()
    {
        var started = await _http.PostAsJsonAsync("api/v1/pipelines/ok/runs", new { @params = new { } });
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var runId = (string)JsonNode.Parse(await started.Content.ReadAsStringAsync())!["runId"]!;

        await WaitUntil(() => _receiver.Requests.Count > 0);
        var request = _receiver.Requests.Single();
        Assert.Equal(CloudEventMapping.StructuredContentType, request.ContentType?.Split(';')[0]);
        var cloudEvent = CloudEventMapping.FromStructuredJson(request.Body);
        Assert.Equal("run.succeeded", cloudEvent.Type);
        Assert.Equal(runId, cloudEvent[CloudEventMapping.RunIdAttribute]);

        // The delivery is visible through the API, as `pipelines notifications` shows it while the service holds the store.
        NotificationListResponse? listed = null;
        await WaitUntil(() => (listed = _http.GetFromJsonAsync<NotificationListResponse>("api/v1/notifications").Result)!.Items
            .Any(d => d.EventType == "run.succeeded" && d.Status == "delivered"));
        Assert.Equal(1, listed!.Items.Single().Attempts);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not reached within 30 s");
            await Task.Delay(50);
        }
    }
}
