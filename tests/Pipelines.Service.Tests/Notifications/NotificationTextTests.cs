using Pipelines.Engine.Events;
using Pipelines.Service.Notifications;

namespace Pipelines.Service.Tests.Notifications;

/// <summary>The line a chat gets says what happened and what was decided, from whatever fields the event carries.</summary>
public sealed class NotificationTextTests
{
    private static PipelineEvent Event(string type, string payload, string? model = null, string? feature = null, string? pipeline = "toxicity",
        string? runId = "r42") =>
        new(1, "0193", type, new DateTime(2026, 1, 5, 9, 0, 0, DateTimeKind.Utc), "/pipelines/toxicity/runs/r42", pipeline, runId, null, model, feature, payload);

    [Fact]
    public void A_failed_run_without_a_recorded_step_still_names_the_pipeline_run_and_error() =>
        Assert.Equal("Run failed: pipeline toxicity, run r42: the process ended", NotificationText.For(Event("run.failed", """{"error":"the process ended"}""")));

    [Fact]
    public void A_failed_run_with_no_fields_at_all_says_only_what_it_knows() =>
        Assert.Equal("Run failed: pipeline ?.", NotificationText.For(Event("run.failed", "{}", pipeline: null, runId: null)));

    [Fact]
    public void A_first_promotion_says_no_version_was_there_before() =>
        Assert.Equal("Model promoted: toxicity v1 is now champion (none before it).",
            NotificationText.For(Event("model.promoted", """{"version":1,"previous_version":null}""", model: "toxicity")));

    [Fact]
    public void Drift_names_model_feature_statistic_value_and_severity() =>
        Assert.Equal("Drift detected: model toxicity, feature spread_bps, psi 0.3127, severity HIGH.",
            NotificationText.For(Event("drift.detected", """{"feature":"spread_bps","statistic":"psi","value":0.31274,"severity":"HIGH"}""",
                model: "toxicity", feature: "spread_bps")));

    [Fact]
    public void Drift_over_several_features_lists_them_all() =>
        Assert.Equal("Drift detected: model toxicity, features spread_bps, imbalance, severity CRITICAL.",
            NotificationText.For(Event("drift.detected", """{"features":["spread_bps","imbalance"],"severity":"CRITICAL"}""", model: "toxicity")));

    [Fact]
    public void Degraded_performance_names_the_metric_its_value_and_threshold() =>
        Assert.Equal("Performance degraded: model toxicity v7: sharpe_7d 0.42 against threshold 1.",
            NotificationText.For(Event("performance.degraded", """{"version":7,"metric":"sharpe_7d","value":0.42,"threshold":1.0}""", model: "toxicity")));

    [Fact]
    public void A_type_without_a_sentence_of_its_own_gets_the_generic_line() =>
        Assert.Equal("trigger.skipped: pipeline toxicity, run r42, reason: concurrency forbid",
            NotificationText.For(Event("trigger.skipped", """{"reason":"concurrency forbid"}""")).TrimEnd('.'));

    [Fact]
    public void A_payload_that_is_not_json_is_read_as_empty_rather_than_failing_the_notification() =>
        Assert.Equal("Run succeeded: pipeline toxicity, run r42.", NotificationText.For(Event("run.succeeded", "not json")));

    [Fact]
    public void A_very_long_error_is_cut_to_fit_a_telegram_message()
    {
        var text = NotificationText.For(Event("run.failed", $$"""{"step":"train","error":"{{new string('x', 10_000)}}"}"""));

        Assert.True(text.Length <= NotificationText.MaxLength);
        Assert.StartsWith("Run failed: pipeline toxicity, run r42; step 'train' failed: xxx", text);
        Assert.EndsWith("x…", text);
    }
}
