using System.Net;
using System.Text.Json.Nodes;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Pipelines.Cli.Output;
using Pipelines.Abstractions;
using Pipelines.Engine.Events;
using Pipelines.Engine.Storage;
using Pipelines.Service.Api.Events;

namespace Pipelines.Service.Tests.Api;

public sealed class ReadEndpointTests : IAsyncLifetime
{
    private static readonly DateTimeOffset TenDaysOn = DateTimeOffset.UtcNow.AddDays(10);
    private readonly FakeTimeProvider _clock = new(TenDaysOn);
    private ServiceApiHost _host = null!;

    public async Task InitializeAsync() => _host = await ServiceApiHost.StartAsync(options => new()
    {
        Store = options.Store, RegistryMaxVersions = options.RegistryMaxVersions, Time = _clock, EventStreamPollInterval = TimeSpan.FromMilliseconds(50),
    });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<JsonObject> Problem(string path, HttpStatusCode expected = HttpStatusCode.BadRequest)
    {
        var response = await _host.Client.GetAsync(path);
        Assert.Equal(expected, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    [Theory]
    [InlineData("/api/v1/drift/events?days=0", "days")]
    [InlineData("/api/v1/drift/events?days=abc", "days")]
    [InlineData("/api/v1/drift/events?limit=-1", "limit")]
    [InlineData("/api/v1/shadow/summary?days=99999", "days")]
    [InlineData("/api/v1/events?since=yesterday", "since")]
    [InlineData("/api/v1/events?limit=0", "limit")]
    public async Task A_bad_query_value_is_400_naming_the_field(string path, string field)
    {
        var problem = await Problem(path);
        Assert.NotNull(problem["errors"]![field]);
        Assert.Contains(field, problem["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task Drift_events_are_filtered_by_model_feature_and_the_days_counted_back_from_the_clock()
    {
        new StoreDriftLog(_host.Store, "run-a", "drift").Record([
            new DriftEvent("toxicity", "spread", "psi", 0.31, "HIGH", "shifted"),
            new DriftEvent("toxicity", "volume", "psi", 0.05, "NONE", ""),
            new DriftEvent("other", "spread", "ks", 0.2, "MEDIUM", ""),
        ]);
        // The clock stands ten days after the findings: the last week holds none of them, the last fortnight all three.
        Assert.Empty((await _host.GetJson("/api/v1/drift/events?days=7"))["items"]!.AsArray());
        Assert.Equal(3, (await _host.GetJson("/api/v1/drift/events?days=14"))["items"]!.AsArray().Count);
        var one = (await _host.GetJson("/api/v1/drift/events?days=14&model=toxicity&feature=spread"))["items"]!.AsArray();
        var finding = Assert.Single(one)!;
        Assert.Equal(("psi", 0.31, "HIGH", "run-a"), (finding["statistic"]!.GetValue<string>(), finding["value"]!.GetValue<double>(),
            finding["severity"]!.GetValue<string>(), finding["runId"]!.GetValue<string>()));
    }

    [Fact]
    public async Task The_shadow_summary_matches_a_brute_force_count_and_mean_error_over_the_recorded_pairs()
    {
        var random = new Random(7);
        var pairs = Enumerable.Range(0, 200).Select(i => new ShadowPrediction(i, random.NextDouble(), random.NextDouble(),
            i % 3 == 0 ? null : random.Next(2), random.Next(4) == 0)).ToList();
        new StoreShadowLog(_host.Store, "run-s", "shadow").Record("toxicity", 2, 3, pairs);
        new StoreShadowLog(_host.Store, "run-o", "shadow").Record("other", 1, 2, pairs.Take(5).ToList());

        var summary = (await _host.GetJson("/api/v1/shadow/summary?model=toxicity&days=14"))["items"]!.AsArray();
        var pairing = Assert.Single(summary)!;
        var withOutcome = pairs.Where(p => p.Outcome is not null).ToList();
        Assert.Equal(200, pairing["pairs"]!.GetValue<long>());
        Assert.Equal(withOutcome.Count, pairing["withOutcome"]!.GetValue<long>());
        Assert.Equal(pairs.Count(p => p.ChallengerDecides), pairing["challengerDecides"]!.GetValue<long>());
        Assert.Equal(withOutcome.Average(p => Math.Abs(p.Champion - p.Outcome!.Value)), pairing["championMeanAbsoluteError"]!.GetValue<double>(), 9);
        Assert.Equal(withOutcome.Average(p => Math.Abs(p.Challenger - p.Outcome!.Value)), pairing["challengerMeanAbsoluteError"]!.GetValue<double>(), 9);
        Assert.Equal((2, 3), (pairing["championVersion"]!.GetValue<int>(), pairing["challengerVersion"]!.GetValue<int>()));
        Assert.Equal(2, (await _host.GetJson("/api/v1/shadow/summary?days=14"))["items"]!.AsArray().Count);
        Assert.Empty((await _host.GetJson("/api/v1/shadow/summary?days=7"))["items"]!.AsArray());
    }

    [Fact]
    public async Task Events_are_filtered_by_the_pipeline_whose_run_published_them()
    {
        _host.Store.PublishEvent(new EventDraft("run.succeeded", "/pipelines/a/runs/r1", Pipeline: "a", RunId: "r1"));
        var ofB = _host.Store.PublishEvent(new EventDraft("run.succeeded", "/pipelines/b/runs/r2", Pipeline: "b", RunId: "r2"));
        _host.Store.PublishEvent(new EventDraft("service.started", "/service"));

        var items = (await _host.GetJson("/api/v1/events?pipeline=b"))["items"]!.AsArray();
        Assert.Equal(ofB.Id, Assert.Single(items)!["id"]!.GetValue<string>());
        Assert.Equal(3, (await _host.GetJson("/api/v1/events"))["items"]!.AsArray().Count);
    }

    [Fact]
    public async Task An_event_read_through_the_api_prints_as_the_same_row_and_json_line_as_the_stored_event()
    {
        var published = _host.Store.PublishEvent(new EventDraft("drift.detected", "/pipelines/p/runs/r1/steps/check", Pipeline: "p", RunId: "r1", StepId: "check",
            Model: "toxicity", Feature: "spread", PayloadJson: """{ "psi": 0.31, "severity": "HIGH", "note": "a<b & \"c\"" }"""));
        _host.Store.PublishEvent(new EventDraft("service.started", "/service"));

        var local = _host.Store.Events(new EventQuery(Limit: 10)).Select(EventRow.From).ToList();
        var answer = await _host.Client.GetFromJsonAsync<EventListResponse>("/api/v1/events", new JsonSerializerOptions(JsonSerializerDefaults.Web));
        var remote = answer!.Items.Select(EventRow.From).ToList();

        Assert.Equal(local, remote);
        // The local line is the formatter's own output, as a webhook receives it.
        Assert.Equal(System.Text.Encoding.UTF8.GetString(CloudEventMapping.ToStructuredJson(_host.Store.Events(new EventQuery(Limit: 10))[1])), local[1].StructuredJson);
        var drift = local[1];
        Assert.Equal((published.Sequence, "p", "r1", "check", "toxicity/spread"), (drift.Sequence!.Value, drift.Pipeline!, drift.RunId!, drift.StepId!, drift.Subject!));
        Assert.Equal(0.31, JsonDocument.Parse(drift.Payload).RootElement.GetProperty("psi").GetDouble());
        Assert.Equal((null, null, null), (local[0].RunId, local[0].StepId, local[0].Subject));
    }

    [Fact]
    public async Task Events_come_as_cloud_events_newest_first_filtered_by_type()
    {
        var first = _host.Store.PublishEvent(new EventDraft("model.promoted", "/pipelines/p/runs/r1", Pipeline: "p", RunId: "r1", Model: "toxicity", PayloadJson: """{"version":2}"""));
        var second = _host.Store.PublishEvent(new EventDraft("drift.detected", "/pipelines/p/runs/r2", Model: "toxicity", Feature: "spread"));
        var third = _host.Store.PublishEvent(new EventDraft("model.promoted", "/pipelines/p/runs/r3", Model: "toxicity", PayloadJson: """{"version":3}"""));

        var all = (await _host.GetJson("/api/v1/events"))["items"]!.AsArray();
        Assert.Equal([third.Id, second.Id, first.Id], all.Select(e => e!["id"]!.GetValue<string>()));
        Assert.All(all, e => Assert.Equal("1.0", e!["specversion"]!.GetValue<string>()));
        Assert.Equal("toxicity/spread", all[1]!["subject"]!.GetValue<string>());
        var promotions = (await _host.GetJson("/api/v1/events?type=model.promoted&since=30d"))["items"]!.AsArray();
        Assert.Equal([3, 2], promotions.Select(e => e!["data"]!["version"]!.GetValue<int>()));
        // The clock is ten days ahead: the last day holds nothing.
        Assert.Empty((await _host.GetJson("/api/v1/events?since=24h"))["items"]!.AsArray());
    }

    [Fact]
    public async Task The_stream_sends_each_new_event_with_its_sequence_and_resumes_after_last_event_id()
    {
        var before = _host.Store.PublishEvent(new EventDraft("run.started", "/pipelines/p/runs/r0"));
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var fresh = await ReadStream(null, 1, cancel.Token, () => _host.Store.PublishEvent(new EventDraft("run.succeeded", "/pipelines/p/runs/r1")));
        var (id, data) = Assert.Single(fresh);
        Assert.Equal((before.Sequence + 1).ToString(), id);
        Assert.Equal("run.succeeded", JsonNode.Parse(data)!["type"]!.GetValue<string>());

        // Reconnecting after the first event replays what followed it, in order.
        var replay = await ReadStream(before.Sequence.ToString(), 1, cancel.Token, null);
        Assert.Equal([(before.Sequence + 1).ToString()], replay.Select(r => r.Id));

        var badId = await _host.Client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api/v1/events/stream") { Headers = { { "Last-Event-ID", "x" } } });
        Assert.Equal(HttpStatusCode.BadRequest, badId.StatusCode);
    }

    private async Task<List<(string Id, string Data)>> ReadStream(string? lastEventId, int count, CancellationToken cancellation, Action? whenConnected)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/events/stream");
        if (lastEventId is not null) request.Headers.Add("Last-Event-ID", lastEventId);
        using var response = await _host.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellation);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        whenConnected?.Invoke();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellation));
        var received = new List<(string, string)>();
        string? id = null, data = null;
        while (received.Count < count && await reader.ReadLineAsync(cancellation) is { } line)
        {
            if (line.StartsWith("id: ", StringComparison.Ordinal)) id = line[4..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal)) data = line[6..];
            else if (line.Length == 0 && data is not null)
            {
                received.Add((id!, data));
                (id, data) = (null, null);
            }
        }
        return received;
    }
}
