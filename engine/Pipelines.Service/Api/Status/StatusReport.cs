using System.Text.Json;
using Pipelines.Engine.Events;
using Pipelines.Engine.Storage;
using Pipelines.Service.Api.Models;
using Pipelines.Service.Scheduling;

namespace Pipelines.Service.Api.Status;

/// <summary>Builds the status the endpoint returns and the status page shows, from the store and the scheduler's view.</summary>
internal static class StatusReport
{
    public const int FiresPerPipeline = 3;

    private static readonly string[] SeverityOrder = ["NONE", "LOW", "MEDIUM", "HIGH", "CRITICAL"];

    public static StatusResponse Build(ServiceApiContext context, ITriggerSchedule? schedule)
    {
        var scheduler = schedule is null
            ? new SchedulerStatus(false, [], [])
            : Scheduler(schedule);
        var models = context.Read(store => Models(context, store), []);
        return new StatusResponse(scheduler, models, context.Now);
    }

    private static SchedulerStatus Scheduler(ITriggerSchedule schedule)
    {
        var upcoming = schedule.Upcoming(FiresPerPipeline);
        var pipelines = upcoming.Select(f => f.Pipeline).Distinct(StringComparer.Ordinal);
        return new SchedulerStatus(schedule.IsRunning,
            upcoming.OrderBy(f => f.At).Select(f => new NextFire(f.Pipeline, f.Cron, f.TimeZone, f.At)).ToList(),
            pipelines.Where(schedule.IsPaused).Order(StringComparer.Ordinal).ToList());
    }

    private static List<ModelStatus> Models(ServiceApiContext context, PipelineStore store)
    {
        var registry = context.Registry(store);
        return registry.Models().Select(name =>
        {
            var versions = registry.Versions(name);
            return new ModelStatus(name, ModelAliases.Champion(versions), ModelAliases.Challenger(versions), LastDrift(store, name), LastPerformance(store, name));
        }).ToList();
    }

    /// <summary>The findings of the newest run and step that recorded drift for the model.</summary>
    private static LastDriftCheck? LastDrift(PipelineStore store, string model)
    {
        var newest = store.DriftEvents(model, 1).FirstOrDefault();
        if (newest is null) return null;
        var findings = store.Read(connection => connection.Rows(
            "SELECT run_id, step_id, model, feature, statistic, value, severity, detail, detected_at FROM drift_events WHERE model = ? AND run_id = ? AND step_id = ?",
            StoreEntities.DriftEvent, model, newest.RunId, newest.StepId));
        var worst = findings.MaxBy(f => Rank(f.Severity))!.Severity;
        var drifted = findings.Where(f => Rank(f.Severity) >= Rank("MEDIUM")).Select(f => f.Feature).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return new LastDriftCheck(findings.Max(f => f.DetectedAt), newest.RunId, worst, findings.Select(f => f.Feature).Distinct(StringComparer.Ordinal).Count(), drifted);
    }

    private static int Rank(string severity)
    {
        var index = Array.IndexOf(SeverityOrder, severity.ToUpperInvariant());
        return index < 0 ? 0 : index;
    }

    private static LastPerformanceCheck? LastPerformance(PipelineStore store, string model)
    {
        var newest = new[] { GetModelPerformance.Checked, GetModelPerformance.Degraded }
            .SelectMany(type => store.Events(new EventQuery(Type: type, Model: model, Limit: 1)))
            .MaxBy(e => e.Sequence);
        if (newest is null) return null;
        using var payload = JsonDocument.Parse(newest.PayloadJson);
        return new LastPerformanceCheck(newest.Time, newest.Type, newest.RunId, payload.RootElement.Clone());
    }
}
