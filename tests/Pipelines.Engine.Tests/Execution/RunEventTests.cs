using System.Text.Json.Nodes;
using Pipelines.Engine.Events;
using Pipelines.Engine.Execution;
using Pipelines.Engine.Storage;
using Pipelines.Engine.Tests.Support;
using Pipelines.Engine.Triggers;

namespace Pipelines.Engine.Tests.Execution;

/// <summary>What the engine publishes about runs, and which of a step's events survive its attempts.</summary>
public sealed class RunEventTests : IDisposable
{
    private readonly EngineHarness _h = new();

    public void Dispose() => _h.Dispose();

    private IReadOnlyList<PipelineEvent> EventsInOrder() => _h.Store.Events(new EventQuery(AfterSequence: 0, Limit: 1000));

    private static JsonObject Payload(PipelineEvent e) => JsonNode.Parse(e.PayloadJson)!.AsObject();

    [Fact]
    public void A_run_announces_its_start_and_success_with_the_trigger_that_started_it()
    {
        var result = _h.Run("""
            name: quiet
            steps:
              - id: only
                uses: test/flag
                with: { value: true }
            """);
        Assert.Equal(RunStatus.Succeeded, result.Status);

        var events = EventsInOrder();
        Assert.Equal(["run.started", "run.succeeded"], events.Select(e => e.Type));
        foreach (var e in events)
        {
            Assert.Equal(("quiet", result.RunId, $"/pipelines/quiet/runs/{result.RunId}"), (e.Pipeline, e.RunId, e.Source));
            Assert.Null(e.StepId);
            Assert.Equal("manual", (string?)Payload(e)["trigger_kind"]);
        }
        Assert.False((bool)Payload(events[0])["resumed"]!);
    }

    [Fact]
    public async Task A_scheduled_run_carries_the_schedule_kind_and_time()
    {
        var fired = new DateTimeOffset(2026, 12, 7, 3, 0, 0, TimeSpan.Zero);
        var options = _h.Options() with { Trigger = TriggerContext.Scheduled(fired) };
        var result = await _h.Runner().RunAsync(_h.Compile("""
            name: nightly
            steps:
              - id: only
                uses: test/flag
                with: { value: true }
            """), options, CancellationToken.None);

        var started = EventsInOrder().First(e => e.Type == "run.started" && e.RunId == result.RunId);
        Assert.Equal("schedule", (string?)Payload(started)["trigger_kind"]);
        Assert.Equal("2026-12-07T03:00:00+00:00", (string?)Payload(started)["scheduled_time"]);
    }

    [Fact]
    public void A_failed_run_names_the_failed_step_and_its_error_and_its_status_agrees_with_its_event()
    {
        var result = _h.Run($$$"""
            name: breaks
            steps:
              - id: shaky
                uses: test/flaky
                with: { key: {{{_h.Key("shaky")}}}, failures: 5 }
              - id: tolerated
                uses: test/flaky
                continue-on-error: true
                with: { key: {{{_h.Key("tolerated")}}}, failures: 5 }
            """);
        Assert.Equal(RunStatus.Failed, result.Status);

        var failed = Assert.Single(EventsInOrder(), e => e.Type == "run.failed");
        var payload = Payload(failed);
        Assert.Equal(_h.Store.FindRun(result.RunId)!.Error, (string?)payload["error"]);
        var step = Assert.Single(payload["failed_steps"]!.AsArray());
        Assert.Equal("shaky", (string?)step!["step"]);
        Assert.Equal("planned failure 1 of 5", (string?)step["error"]);
        Assert.DoesNotContain(EventsInOrder(), e => e.Type == "run.succeeded");
    }

    [Fact]
    public void Only_the_attempt_that_succeeds_publishes_its_events_and_they_come_between_the_run_events()
    {
        var result = _h.Run($$$"""
            name: announcing
            steps:
              - id: speak
                uses: test/announce
                retry: { attempts: 3, backoff: 10ms }
                with: { key: {{{_h.Key("speak")}}}, failures: 2 }
            """);
        Assert.True(result.Status == RunStatus.Succeeded, _h.Failures(result));

        var events = EventsInOrder();
        Assert.Equal(["run.started", "custom.test.announced", "run.succeeded"], events.Select(e => e.Type));
        var announced = events[1];
        Assert.Equal(3, (int)Payload(announced)["execution"]!);
        Assert.Equal(("speak", "toxicity", $"/pipelines/announcing/runs/{result.RunId}/steps/speak"), (announced.StepId, announced.Model, announced.Source));
        Assert.True(events.Zip(events.Skip(1)).All(pair => pair.First.Sequence < pair.Second.Sequence));
    }

    [Fact]
    public void A_step_that_fails_every_attempt_publishes_nothing()
    {
        var result = _h.Run($$$"""
            name: mute
            steps:
              - id: speak
                uses: test/announce
                retry: { attempts: 2, backoff: 10ms }
                with: { key: {{{_h.Key("speak")}}}, failures: 9 }
            """);
        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Equal(2, TestSteps.CountOf(_h.Key("speak")));
        Assert.Equal(["run.started", "run.failed"], EventsInOrder().Select(e => e.Type));
    }

    [Fact]
    public async Task A_cancelled_run_says_so_and_its_resume_starts_again_as_resumed()
    {
        var yaml = $$$"""
            name: long
            steps:
              - id: nap
                uses: test/sleep
                with: { duration: 2s, group: {{{_h.Key("nap")}}} }
            """;
        using var cancellation = new CancellationTokenSource();
        var runner = _h.Runner();
        var task = runner.RunAsync(_h.Compile(yaml), _h.Options(), cancellation.Token);
        SpinWait.SpinUntil(() => TestSteps.CountOf(_h.Key("nap")) == 1, TimeSpan.FromSeconds(10));
        cancellation.Cancel();
        var result = await task;
        Assert.Equal(RunStatus.Cancelled, result.Status);

        await runner.ResumeAsync(result.RunId, _h.Workspace.Root, _h.Options(), CancellationToken.None);
        var events = EventsInOrder();
        Assert.Equal(["run.started", "run.cancelled", "run.started", "run.succeeded"], events.Select(e => e.Type));
        Assert.True((bool)Payload(events[2])["resumed"]!);
        Assert.All(events, e => Assert.Equal(result.RunId, e.RunId));
    }
}
