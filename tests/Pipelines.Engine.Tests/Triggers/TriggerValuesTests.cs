using Pipelines.Engine.Execution;
using Pipelines.Engine.Storage;
using Pipelines.Engine.Tests.Support;
using Pipelines.Engine.Triggers;

namespace Pipelines.Engine.Tests.Triggers;

/// <summary>What started a run reaches its steps through <c>${{ trigger.* }}</c>.</summary>
public sealed class TriggerValuesTests : IDisposable
{
    private readonly EngineHarness _h = new();

    public void Dispose() => _h.Dispose();

    private const string Pipeline = """
        name: triggered
        on:
          schedule: [{ cron: "0 3 * * MON", timezone: Europe/London }]
          events: [{ type: drift.detected, model: toxicity }]
        steps:
          - id: say
            uses: test/emit
            with:
              text: "${{ trigger.kind }}|${{ trigger.scheduled_time }}|${{ trigger.event.model }}|${{ trigger.event.severity }}"

        """;

    private string EmittedText(TriggerContext trigger)
    {
        var options = _h.Options() with { Trigger = trigger };
        var result = _h.Runner().RunAsync(_h.Compile(Pipeline), options, CancellationToken.None).GetAwaiter().GetResult();
        Assert.Equal(RunStatus.Succeeded, result.Status);
        var file = _h.Store.OutputArtifacts(result.RunId, "say").Single(o => o.Output == "file").Artifact;
        return File.ReadAllText(_h.Store.Artifacts.OpenVerified(file));
    }

    [Fact]
    public void A_run_started_by_hand_sees_the_manual_kind_and_nothing_else() =>
        Assert.Equal("manual|||", EmittedText(TriggerContext.Manual));

    [Fact]
    public void A_scheduled_run_sees_the_time_it_was_scheduled_for_in_the_schedule_zone()
    {
        var scheduled = new DateTimeOffset(2026, 7, 6, 3, 0, 0, TimeSpan.FromHours(1));
        Assert.Equal("schedule|2026-07-06T03:00:00+01:00||", EmittedText(TriggerContext.Scheduled(scheduled)));
    }

    [Fact]
    public void An_event_run_sees_the_fields_of_the_event()
    {
        var drift = new Dictionary<string, object?> { ["model"] = "toxicity", ["severity"] = "HIGH" };
        Assert.Equal("event||toxicity|HIGH", EmittedText(TriggerContext.FromEvent(drift)));
    }

    [Fact]
    public void Reading_an_event_without_subscribing_to_any_is_refused()
    {
        var error = Assert.Throws<Pipelines.Engine.Diagnostics.PipelineValidationException>(() =>
            _h.Compile(Pipeline.Replace("  events: [{ type: drift.detected, model: toxicity }]\n", "")));
        Assert.Contains(error.Diagnostics, d => d.Message.Contains("reads an event, but the pipeline subscribes to none"));
    }

    [Fact]
    public void An_unknown_trigger_field_is_refused()
    {
        var error = Assert.Throws<Pipelines.Engine.Diagnostics.PipelineValidationException>(() =>
            _h.Compile(Pipeline.Replace("trigger.kind", "trigger.source")));
        Assert.Contains(error.Diagnostics, d => d.Message.Contains("unknown trigger reference 'trigger.source'"));
    }
}
