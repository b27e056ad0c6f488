using Pipelines.Engine.Triggers;
using Pipelines.Service.Scheduling;

namespace Pipelines.Service.Api.Pipelines;

/// <summary>One pipeline in a list: whether it validates, how it is triggered, and its next scheduled fire.</summary>
public sealed record PipelineSummary(
    string Name, string File, bool Valid, IReadOnlyList<string> Errors, string Concurrency, bool Paused, int Schedules, int EventSubscriptions,
    DateTimeOffset? NextFire);

public sealed record PipelineList(IReadOnlyList<PipelineSummary> Items);

/// <summary>One <c>on.schedule</c> entry with its next fires in its own time zone.</summary>
public sealed record ScheduleView(string Cron, string TimeZone, string CatchUp, IReadOnlyList<DateTimeOffset> NextFires);

/// <summary>One <c>on.events</c> entry.</summary>
public sealed record EventSubscriptionView(string Type, string? Model, string? MinSeverity, string? Pipeline);

/// <summary><c>on.manual</c>: the parameters a manual start may set; null means all declared ones.</summary>
public sealed record ManualView(IReadOnlyList<string>? Params);

public sealed record TriggersView(IReadOnlyList<ScheduleView> Schedules, IReadOnlyList<EventSubscriptionView> Events, ManualView Manual);

/// <summary>One pipeline in full: its triggers and next fires, its parameters, and its errors when it does not validate.</summary>
public sealed record PipelineDetails(
    string Name, string File, string? Description, bool Valid, IReadOnlyList<string> Errors, string Concurrency, bool Paused,
    IReadOnlyList<string> Params, TriggersView? Triggers);

internal static class PipelineViews
{
    public const int FiresShown = 3;

    public static PipelineSummary Summary(LoadedPipeline pipeline, ServiceHost service, DateTimeOffset now)
    {
        var definition = pipeline.Definition;
        var next = definition?.Triggers.Schedules.SelectMany(s => s.NextFires(now, 1)).OrderBy(f => f).Cast<DateTimeOffset?>().FirstOrDefault();
        return new PipelineSummary(pipeline.Name, Relative(pipeline.File, service), pipeline.IsValid, pipeline.Errors,
            TriggerNames.Of(definition?.Concurrency ?? ConcurrencyPolicy.Allow), service.Scheduler.IsPaused(pipeline.Name),
            definition?.Triggers.Schedules.Count ?? 0, definition?.Triggers.Events.Count ?? 0, pipeline.IsValid ? next : null);
    }

    public static PipelineDetails Details(LoadedPipeline pipeline, ServiceHost service, DateTimeOffset now)
    {
        var definition = pipeline.Definition;
        TriggersView? triggers = definition is null ? null : new TriggersView(
            definition.Triggers.Schedules.Select(s => new ScheduleView(s.Cron.Text, s.TimeZone.Id, TriggerNames.Of(s.CatchUp), s.NextFires(now, FiresShown))).ToList(),
            definition.Triggers.Events.Select(e => new EventSubscriptionView(e.Type.Name, e.Model, e.MinSeverity?.ToString().ToUpperInvariant(), e.Pipeline)).ToList(),
            new ManualView(definition.Triggers.Manual.Params));
        return new PipelineDetails(pipeline.Name, Relative(pipeline.File, service), definition?.Description, pipeline.IsValid, pipeline.Errors,
            TriggerNames.Of(definition?.Concurrency ?? ConcurrencyPolicy.Allow), service.Scheduler.IsPaused(pipeline.Name),
            definition?.Params.Select(p => p.Key.Value).ToList() ?? [], triggers);
    }

    private static string Relative(string file, ServiceHost service) => Path.GetRelativePath(service.Pipelines.WorkspaceRoot, file);
}
