using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Pipelines.Cli;
using Pipelines.Service.Api;
using Pipelines.Service.Api.Pipelines;
using Pipelines.Service.Api.Runs;
using Pipelines.Service.Tests.Support;

namespace Pipelines.Service.Tests;

/// <summary>
/// The service host in this process on a loopback port: what it says in service.json, the API key on /api/v1,
/// and the API's answers to bad requests.
/// </summary>
public sealed class ServiceHostTests : IAsyncLifetime
{
    private const string Key = "0123456789abcdef-service-key";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly TestWorkspace _workspace = new();
    private readonly string _gate = Gates.NewKey();
    private ServiceHost _service = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        Gates.Release(_gate);
        _workspace.Write("pipelines/ok.yaml", $$"""
            name: ok
            on:
              schedule:
                - cron: "0 3 * * MON"
                  timezone: Europe/London
              manual: { params: [since] }
            params:
              since: "2026-01-01"
              limit: 10
            steps:
              - id: wait
                uses: test/gate
                with: { key: "{{_gate}}" }
            """);
        _workspace.Write("pipelines/on-drift.yaml", $$"""
            name: on-drift
            on:
              events:
                - type: drift.detected
                  model: toxicity
            steps:
              - id: wait
                uses: test/gate
                with: { key: "{{_gate}}" }
            """);
        _workspace.Write("pipelines/broken.yaml", """
            name: broken
            steps:
              - id: nope
                uses: no/such-step
            """);
        _service = ServiceHost.Build(new ServiceOptions
        {
            WorkspaceRoot = _workspace.Root,
            PipelinesDirectory = Path.Combine(_workspace.Root, "pipelines"),
            Catalog = StepCatalogFactory.Create().Add(typeof(GateStep)),
            StorePath = _workspace.StoreRoot,
            Urls = ["http://127.0.0.1:0"],
            ApiKey = Key,
            GracePeriod = TimeSpan.FromSeconds(5),
        });
        await _service.StartAsync(CancellationToken.None);
        _http = new HttpClient { BaseAddress = new Uri(_service.Record!.Url + "/api/v1/") };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("ApiKey", Key);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _service.DisposeAsync();
        _workspace.Dispose();
    }

    [Fact]
    public async Task Service_json_names_the_bound_port_the_key_and_this_process_and_goes_away_on_stop()
    {
        var record = ServiceRecord.FindLive(_workspace.StoreRoot)!;
        Assert.Equal(Environment.ProcessId, record.Pid);
        Assert.Equal(Key, record.ApiKey);
        Assert.DoesNotContain(":0", record.Url);
        Assert.StartsWith("http://127.0.0.1:", record.Url);

        await _service.StopAsync(CancellationToken.None);
        Assert.False(File.Exists(ServiceRecord.PathIn(_workspace.StoreRoot)));
    }

    [Fact]
    public async Task An_event_published_while_the_service_runs_starts_the_subscribed_pipeline_once()
    {
        var drift = _service.Store.PublishEvent(new Pipelines.Engine.Events.EventDraft(
            "drift.detected", "/pipelines/check/runs/r1/steps/drift", Model: "toxicity", PayloadJson: """{"severity":"HIGH"}"""));
        _service.Events.Nudge();
        await WaitUntil(() => _service.Store.ListRuns(10, "on-drift") is [{ Status: Pipelines.Engine.Storage.RunStatus.Succeeded }]);

        var run = (await _http.GetFromJsonAsync<RunList>("runs?pipeline=on-drift", Json))!.Items.Single();
        Assert.Equal("event", run.Trigger.Kind);
        Assert.Equal(drift.Id, run.Trigger.EventId);
        await Task.Delay(600); // two more polls find nothing new
        Assert.Single(_service.Store.ListRuns(10, "on-drift"));
    }

    [Fact]
    public async Task The_api_refuses_a_request_without_the_key()
    {
        using var anonymous = new HttpClient { BaseAddress = _http.BaseAddress };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("pipelines")).StatusCode);
        anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("ApiKey", "wrong-key-wrong-key");
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("pipelines/ok/runs", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync("pipelines")).StatusCode);
    }

    [Fact]
    public async Task A_pipeline_that_does_not_validate_is_listed_with_located_errors_and_refuses_a_run()
    {
        var list = (await _http.GetFromJsonAsync<PipelineList>("pipelines", Json))!;
        var broken = list.Items.Single(p => p.Name == "broken");
        Assert.False(broken.Valid);
        Assert.Contains(broken.Errors, e => e.Contains("broken.yaml:4:") && e.Contains("no/such-step"));

        var response = await _http.PostAsJsonAsync("pipelines/broken/runs", new { @params = new { } });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<ApiError>(Json))!;
        Assert.Contains(error.Errors!, e => e.Contains("no/such-step"));
        Assert.Empty(_service.Store.ListRuns(10));
    }

    [Fact]
    public async Task A_manual_run_with_a_param_on_manual_does_not_allow_is_refused_naming_it()
    {
        var response = await _http.PostAsJsonAsync("pipelines/ok/runs", new { @params = new { limit = 5 } });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("limit", await response.Content.ReadAsStringAsync());
        Assert.Empty(_service.Store.ListRuns(10));

        var accepted = await _http.PostAsJsonAsync("pipelines/ok/runs", new { @params = new { since = "2026-02-01" } });
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var runId = (await accepted.Content.ReadFromJsonAsync<StartRunResponse>(Json))!.RunId;
        await _service.Dispatcher.WhenIdleAsync();
        var run = (await _http.GetFromJsonAsync<RunDetails>($"runs/{runId}", Json))!;
        Assert.Equal("succeeded", run.Status);
        Assert.Contains("2026-02-01", run.ParamsJson);
    }

    [Fact]
    public async Task Unknown_pipelines_and_runs_are_404_and_a_bad_status_filter_is_400()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync("pipelines/nope")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.PostAsJsonAsync("pipelines/nope/runs", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync("runs/20990101-000000-abcdef")).StatusCode);
        var bad = await _http.GetAsync("runs?status=done");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("queued", await bad.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Pausing_a_pipeline_takes_its_fires_off_the_schedule_until_it_is_resumed()
    {
        Assert.Contains(_service.Schedule.Upcoming(2), f => f.Pipeline == "ok");
        Assert.True((await (await _http.PostAsync("pipelines/ok/triggers/pause", null)).Content.ReadFromJsonAsync<TriggerState>(Json))!.Paused);
        Assert.True(_service.Schedule.IsPaused("ok"));
        Assert.DoesNotContain(_service.Schedule.Upcoming(2), f => f.Pipeline == "ok");
        Assert.True((await _http.GetFromJsonAsync<PipelineDetails>("pipelines/ok", Json))!.Paused);

        await _http.PostAsync("pipelines/ok/triggers/resume", null);
        Assert.False(_service.Schedule.IsPaused("ok"));
        var next = _service.Schedule.Upcoming(1).Single(f => f.Pipeline == "ok");
        Assert.Equal("Europe/London", next.TimeZone);
        Assert.Equal(DayOfWeek.Monday, next.At.DayOfWeek);
        Assert.Equal(3, next.At.Hour);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.PostAsync("pipelines/nope/triggers/pause", null)).StatusCode);
    }

    [Fact]
    public async Task An_edit_that_breaks_a_pipeline_takes_its_schedule_off_and_a_fix_puts_it_back()
    {
        var file = Path.Combine(_workspace.Root, "pipelines", "ok.yaml");
        var good = await File.ReadAllTextAsync(file);
        await File.WriteAllTextAsync(file, good.Replace("0 3 * * MON", "0 3 * * FUNDAY"));
        await WaitUntil(() => _service.Pipelines.Find("ok") is { IsValid: false } && _service.Schedule.Upcoming(1).All(f => f.Pipeline != "ok"));
        Assert.Contains(_service.Pipelines.Find("ok")!.Errors, e => e.Contains("ok.yaml:4:") && e.Contains("FUNDAY"));

        await File.WriteAllTextAsync(file, good.Replace("0 3 * * MON", "0 4 * * TUE"));
        await WaitUntil(() => _service.Schedule.Upcoming(1).Any(f => f is { Pipeline: "ok", Cron: "0 4 * * TUE" }));
    }

    [Fact]
    public async Task A_recorder_told_to_run_forever_is_accepted_under_the_service_and_runs_until_cancelled()
    {
        // Nothing listens on port 1: the recorder keeps reconnecting with backoff, which is what running means here.
        _workspace.Write("pipelines/record.yaml", """
            name: record
            steps:
              - id: record
                uses: ingest/binance-book
                with:
                  symbol: BTCUSDT
                  duration: forever
                  base_url: ws://127.0.0.1:1
                  rest_url: http://127.0.0.1:1
                  retry_delay: 50ms
                  max_retry_delay: 200ms
            """);
        _service.Pipelines.Reload();

        var accepted = await _http.PostAsJsonAsync("pipelines/record/runs", new { @params = new { } });
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var runId = (await accepted.Content.ReadFromJsonAsync<StartRunResponse>(Json))!.RunId;
        await WaitUntil(() => _service.Store.StepRuns(runId) is [{ Status: Pipelines.Engine.Storage.StepStatus.Running }]);
        await Task.Delay(1_000);
        Assert.Equal("running", (await _http.GetFromJsonAsync<RunDetails>($"runs/{runId}", Json))!.Status);

        Assert.True((await _http.PostAsync($"runs/{runId}/cancel", null)).IsSuccessStatusCode);
        await _service.Dispatcher.WhenIdleAsync();
        Assert.Equal("cancelled", (await _http.GetFromJsonAsync<RunDetails>($"runs/{runId}", Json))!.Status);
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

    [Theory]
    [InlineData("http://127.0.0.1:5199", "http://127.0.0.1:5199")]
    [InlineData("http://[::]:6000", "http://127.0.0.1:6000")]
    [InlineData("http://0.0.0.0:6001", "http://127.0.0.1:6001")]
    [InlineData("http://+:6002", "http://127.0.0.1:6002")]
    public void A_wildcard_binding_is_reached_on_loopback(string bound, string client) =>
        Assert.Equal(client, ServiceHost.ClientUrl([bound]));
}
