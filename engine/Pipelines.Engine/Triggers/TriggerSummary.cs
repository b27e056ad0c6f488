using System.Globalization;
using Pipelines.Engine.Model;

namespace Pipelines.Engine.Triggers;

/// <summary>
/// A pipeline's triggers in plain lines for <c>validate</c> and <c>plan</c>: each schedule with its next fires
/// in its own time zone, so a reviewer sees when "0 3 * * MON" really runs before it is merged.
/// </summary>
public static class TriggerSummary
{
    public const int FiresShown = 3;

    public static IReadOnlyList<string> Describe(PipelineDefinition pipeline, TimeProvider clock)
    {
        var lines = new List<string>();
        var triggers = pipeline.Triggers;
        var now = clock.GetUtcNow();
        for (var i = 0; i < triggers.Schedules.Count; i++)
        {
            var schedule = triggers.Schedules[i];
            var fires = schedule.NextFires(now, FiresShown).Select(Local);
            lines.Add($"schedule[{i}]: cron \"{schedule.Cron.Text}\" in {schedule.TimeZone.Id}, catch_up {TriggerNames.Of(schedule.CatchUp)}; " +
                      $"next: {string.Join(", ", fires)}");
        }
        for (var i = 0; i < triggers.Events.Count; i++)
            lines.Add($"events[{i}]: {Describe(triggers.Events[i])}");
        if (triggers.Manual.Params is { } allowed)
            lines.Add($"manual: may set {(allowed.Count == 0 ? "no params" : "params " + string.Join(", ", allowed))}");
        if (pipeline.Concurrency != ConcurrencyPolicy.Allow || pipeline.Root.Get("concurrency") is not null)
            lines.Add($"concurrency: {TriggerNames.Of(pipeline.Concurrency)}");
        return lines;
    }

    private static string Describe(EventSubscription subscription)
    {
        var text = subscription.Type.Name;
        if (subscription.Model is not null) text += $" for model {subscription.Model}";
        if (subscription.Pipeline is not null) text += $" of pipeline {subscription.Pipeline}";
        if (subscription.MinSeverity is { } severity) text += $" at severity {severity.ToString().ToUpperInvariant()} or above";
        return text;
    }

    private static string Local(DateTimeOffset fire) => fire.ToString("ddd yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture);
}
