using Pipelines.Engine.Tests.Support;

namespace Pipelines.Engine.Tests.Cli;

/// <summary>
/// A trigger that could not fire as written is refused like any other bad input: exit code 2, file:line:column
/// and the offending text, and no schedule printed.
/// </summary>
public sealed class TriggerBadInputTests : IDisposable
{
    private readonly TestWorkspace _workspace = new();

    public TriggerBadInputTests()
    {
        _workspace.Write("data/bars.csv", "t,price\n1,10.5\n2,11.0\n");
    }

    public void Dispose() => _workspace.Dispose();

    private static string Pipeline(string on, string uses = "ingest/csv") => $"""
        name: demo
        params:
          since: "2023-03-01"
        {on}
        steps:
          - id: bars
            uses: {uses}
            with:
              path: data/bars.csv

        """;

    private CliRun Validate(string text, params string[] extra) =>
        CliRun.Invoke(["-C", _workspace.Root, "validate", _workspace.Write("p.yaml", text), .. extra]);

    private static void AssertRejected(CliRun run, string location, string fragment)
    {
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(location, run.Error);
        Assert.Contains(fragment, run.Error);
        Assert.DoesNotContain("next:", run.Output);
    }

    [Fact]
    public void An_invalid_cron_is_refused_quoting_the_field()
    {
        var run = Validate(Pipeline("on:\n  schedule:\n    - cron: \"0 3 * * MUN\""));
        AssertRejected(run, "p.yaml:6:13", "cron day-of-week field 'MUN' has 'MUN'");
        Assert.Contains("(at '0 3 * * MUN')", run.Error);
    }

    [Fact]
    public void A_cron_naming_no_existing_date_is_refused_as_never_firing()
    {
        var run = Validate(Pipeline("on:\n  schedule:\n    - cron: \"0 3 30 2 *\""));
        AssertRejected(run, "p.yaml:6:13", "would never fire");
    }

    [Fact]
    public void A_stepped_star_beside_a_restricted_weekday_is_refused_with_the_reason()
    {
        var run = Validate(Pipeline("on:\n  schedule:\n    - cron: \"0 3 */2 * MON\""));
        AssertRejected(run, "p.yaml:6:13", "a Quartz schedule cannot express");
    }

    [Fact]
    public void An_unknown_time_zone_is_refused_naming_the_iana_form()
    {
        var run = Validate(Pipeline("on:\n  schedule:\n    - cron: \"0 3 * * *\"\n      timezone: Europe/Londn"));
        AssertRejected(run, "p.yaml:7:17", "timezone 'Europe/Londn' is not an IANA time zone");
    }

    [Fact]
    public void An_event_type_nobody_publishes_is_refused_naming_the_nearest()
    {
        var run = Validate(Pipeline("on:\n  events:\n    - type: drift.detect\n      model: toxicity"));
        AssertRejected(run, "p.yaml:6:13", "no step or engine publishes event type 'drift.detect'; did you mean 'drift.detected'?");
    }

    [Fact]
    public void An_unknown_type_outside_the_pipeline_prefix_points_at_the_prefix()
    {
        var run = Validate(Pipeline("on:\n  events:\n    - type: rare.captured"));
        AssertRejected(run, "p.yaml:6:13", "a pipeline's own types, published by events/publish, start with 'custom.'");
    }

    [Fact]
    public void A_pipeline_type_that_is_not_dotted_lower_case_words_is_refused()
    {
        var run = Validate(Pipeline("on:\n  events:\n    - type: custom.Rare-Events"));
        AssertRejected(run, "p.yaml:6:13", "event type 'custom.Rare-Events' must be dotted lower-case words");
    }

    [Fact]
    public void A_pipeline_type_accepts_its_filters_and_payload_fields_but_no_severity()
    {
        var accepted = Validate(Pipeline("on:\n  events:\n    - type: custom.rare_events.captured\n      model: toxicity\n      pipeline: capture")
            .Replace("path: data/bars.csv", "path: data/${{ trigger.event.symbol }}.csv"));
        Assert.True(accepted.ExitCode == 0, accepted.Error);
        Assert.Contains("custom.rare_events.captured", accepted.Output);

        var refused = Validate(Pipeline("on:\n  events:\n    - type: custom.rare_events.captured\n      min_severity: HIGH"));
        AssertRejected(refused, "p.yaml:7:7", "unknown 'custom.rare_events.captured' subscription key 'min_severity'; allowed: type, model, pipeline");
    }

    [Fact]
    public void A_severity_the_drift_check_does_not_use_is_refused()
    {
        var run = Validate(Pipeline("on:\n  events:\n    - type: drift.detected\n      min_severity: SEVERE"));
        AssertRejected(run, "p.yaml:7:21", "'min_severity' is one of LOW, MEDIUM, HIGH, CRITICAL");
    }

    [Fact]
    public void A_filter_the_event_type_does_not_carry_is_refused()
    {
        var run = Validate(Pipeline("on:\n  events:\n    - type: model.promoted\n      min_severity: HIGH"));
        AssertRejected(run, "p.yaml:7:7", "unknown 'model.promoted' subscription key 'min_severity'; allowed: type, model");
    }

    [Fact]
    public void Manual_params_must_be_declared()
    {
        var run = Validate(Pipeline("on:\n  manual: { params: [since, until] }"));
        AssertRejected(run, "p.yaml:5:29", "'on.manual.params' names 'until', which 'params' does not declare");
    }

    [Fact]
    public void A_manual_run_may_not_set_params_the_pipeline_keeps_for_itself()
    {
        var text = Pipeline("on:\n  manual: { params: [] }");
        var run = CliRun.Invoke(["-C", _workspace.Root, "run", _workspace.Write("p.yaml", text), "--param", "since=2023-03-02"]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("p.yaml:5:21", run.Error);
        Assert.Contains("--param since: a manual start may set no params ('on.manual.params')", run.Error);
        Assert.False(Directory.Exists(_workspace.StoreRoot), "a refused start must not touch the store");
    }

    [Fact]
    public void An_unknown_concurrency_policy_is_refused_with_the_choices()
    {
        var run = Validate(Pipeline("concurrency: skip"));
        AssertRejected(run, "p.yaml:4:14", "'concurrency' is one of allow, forbid, replace, queue");
    }

    [Fact]
    public void A_trigger_field_no_start_provides_is_refused()
    {
        var run = Validate(Pipeline("on:\n  events: [{ type: drift.detected }]").Replace("path: data/bars.csv", "path: data/${{ trigger.event.colour }}.csv"));
        AssertRejected(run, "p.yaml:10:22", "no event the pipeline subscribes to (drift.detected) has a field 'colour'");
    }

    [Fact]
    public void A_trigger_on_a_pipeline_that_does_not_validate_schedules_nothing()
    {
        var run = Validate(Pipeline("on:\n  schedule: [{ cron: \"0 3 * * MON\" }]", uses: "ingest/cvs"));
        AssertRejected(run, "p.yaml:8:11", "unknown step type 'ingest/cvs'");
    }
}
