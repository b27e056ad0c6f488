using Pipelines.Abstractions;

namespace Pipelines.Engine.Storage;

/// <summary>Drift findings of one step, appended to <c>drift_events</c> in one transaction.</summary>
public sealed class StoreDriftLog(PipelineStore store, string runId, string stepId) : IDriftLog
{
    public void Record(IReadOnlyList<DriftEvent> events)
    {
        if (events.Count == 0) return;
        store.InTransaction(connection =>
        {
            var now = DateTime.UtcNow;
            foreach (var e in events)
                connection.Execute(
                    "INSERT INTO drift_events (run_id, step_id, model, feature, statistic, value, severity, detail, detected_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    runId, stepId, e.Model, e.Feature, e.Statistic, double.IsFinite(e.Value) ? e.Value : null, e.Severity, e.Detail, now);
            return events.Count;
        });
    }
}
