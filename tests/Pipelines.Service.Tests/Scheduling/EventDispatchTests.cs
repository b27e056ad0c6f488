using System.Text.Json;
using Pipelines.Engine.Events;
using Pipelines.Engine.Storage;
using Pipelines.Engine.Triggers;
using Pipelines.Service.Scheduling;
using Pipelines.Service.Tests.Support;

namespace Pipelines.Service.Tests.Scheduling;

/// <summary>
/// The event dispatcher starts the pipelines whose <c>on.events</c> match new events — type, model, pipeline and
/// minimum severity — once per pipeline and event, reading from a cursor kept in the store.
/// </summary>
public sealed class EventDispatchTests : IAsyncLifetime
{
    private readonly ServiceHarness _h = new();
    private readonly string _gate = Gates.NewKey();

    public Task InitializeAsync()
    {
        Gates.Release(_gate);
        _h.WritePipeline("retrain", $$"""
            name: retrain
            on:
              events:
                - type: drift.detected
                  model: toxicity
                  min_severity: HIGH
                - type: run.failed
                  pipeline: nightly
            steps:
              - id: wait
                uses: test/gate
                with: { key: "{{_gate}}" }
            """);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private PipelineEvent Drift(string model, string severity) => _h.Store.PublishEvent(new EventDraft(
        "drift.detected", "/pipelines/check/runs/r1/steps/drift", Pipeline: "check", RunId: "r1", StepId: "drift", Model: model, Feature: "spread",
        PayloadJson: JsonSerializer.Serialize(new { statistic = "psi", value = 0.4, severity })));

    private IReadOnlyList<RunRecord> Runs => _h.Store.ListRuns(50, "retrain");

    [Fact]
    public async Task Only_events_passing_every_filter_start_the_pipeline_with_the_event_as_its_trigger()
    {
        var events = _h.Events();
        events.DispatchPending(); // a new subscriber starts at the newest event
        Drift("other-model", "CRITICAL");
        Drift("toxicity", "MEDIUM");
        var matching = Drift("toxicity", "CRITICAL");
        _h.Store.PublishEvent(new EventDraft("run.failed", "/pipelines/weekly/runs/r2", Pipeline: "weekly", RunId: "r2"));
        var failedNightly = _h.Store.PublishEvent(new EventDraft("run.failed", "/pipelines/nightly/runs/r3", Pipeline: "nightly", RunId: "r3"));

        Assert.Equal(2, events.DispatchPending());
        await _h.Dispatcher.WhenIdleAsync();

        Assert.Equal(2, Runs.Count);
        var drift = _h.Firings.Find(FiringKey.ForEvent("retrain", matching.Id))!;
        Assert.Equal(TriggerContext.EventKind, drift.Kind);
        var fields = EventPayload.FromJson(drift.EventJson!);
        Assert.Equal("toxicity", fields["model"]);
        Assert.Equal("CRITICAL", fields["severity"]);
        Assert.Equal("spread", fields["feature"]);
        Assert.Equal(matching.Id, fields["id"]);
        Assert.NotNull(_h.Firings.Find(FiringKey.ForEvent("retrain", failedNightly.Id)));
    }

    [Fact]
    public async Task An_event_a_run_of_the_pipeline_itself_published_does_not_start_it_again()
    {
        var events = _h.Events();
        events.DispatchPending();
        _h.Store.PublishEvent(new EventDraft("drift.detected", "/pipelines/retrain/runs/r9/steps/drift", Pipeline: "retrain", RunId: "r9",
            StepId: "drift", Model: "toxicity", PayloadJson: """{"severity":"CRITICAL"}"""));
        Assert.Equal(0, events.DispatchPending());

        Drift("toxicity", "CRITICAL");
        Assert.Equal(1, events.DispatchPending());
        await _h.Dispatcher.WhenIdleAsync();
        Assert.Single(Runs);
    }

    [Fact]
    public async Task Events_published_before_the_subscriber_first_read_are_not_replayed()
    {
        Drift("toxicity", "CRITICAL");
        Assert.Equal(0, _h.Events().DispatchPending());
        await _h.Dispatcher.WhenIdleAsync();
        Assert.Empty(Runs);
    }

    [Fact]
    public async Task After_a_restart_the_cursor_neither_misses_nor_repeats_and_a_redelivered_event_starts_nothing()
    {
        _h.Events().DispatchPending();
        Drift("toxicity", "HIGH");
        Assert.Equal(1, _h.Events().DispatchPending());
        await _h.Dispatcher.WhenIdleAsync();

        await _h.RestartAsync();
        var missedWhileDown = Drift("toxicity", "CRITICAL");
        Assert.Equal(1, _h.Events().DispatchPending());
        Assert.Equal(0, _h.Events().DispatchPending());

        // A crash between the firings and the cursor's move delivers the same events again: their keys already fired.
        _h.Firings.SaveCursor(EventDispatcher.Subscriber, 0);
        Assert.Equal(0, _h.Events().DispatchPending());
        await _h.Dispatcher.WhenIdleAsync();
        Assert.Equal(2, Runs.Count);
        Assert.NotNull(_h.Firings.Find(FiringKey.ForEvent("retrain", missedWhileDown.Id)));
    }

    [Theory]
    [InlineData("LOW", false)]
    [InlineData("MEDIUM", false)]
    [InlineData("HIGH", true)]
    [InlineData("critical", true)]
    [InlineData("3", false)]
    [InlineData("SEVERE", false)]
    public void Min_severity_passes_events_at_least_as_severe(string severity, bool passes)
    {
        var subscription = _h.Pipelines.Find("retrain")!.Definition!.Triggers.Events[0];
        var stored = Drift("toxicity", severity);
        using var payload = EventPayload.ParsePayload(stored.PayloadJson);
        Assert.Equal(passes, EventMatching.Matches(subscription, stored, payload));
    }
}
