using System.Diagnostics.Metrics;
using Pipelines.Engine.Storage;
using Prometheus;

namespace Pipelines.Service.Observability;

/// <summary>
/// The service's metrics in a registry of their own (not prometheus-net's process-wide default, so two hosts in one
/// process, as in tests, never mix). Everything is read from the store when someone scrapes, so the numbers are what
/// the store holds whoever wrote it: a run of the CLI before the service started counts as much as the service's own.
/// <list type="bullet">
/// <item><c>pipelines_runs{pipeline,status}</c>: runs in the store.</item>
/// <item><c>pipelines_step_duration_seconds{step_type}</c>: histogram of finished step runs (cached ones excluded:
/// they did no work); every step the store holds is observed once, in the order they finished.</item>
/// <item><c>pipelines_drift_statistic{model,feature,statistic}</c> and <c>pipelines_drift_severity{model,feature}</c>
/// (0 none … 4 critical): the newest finding per model and feature.</item>
/// <item><c>pipelines_feature_importance{model,version,feature,source}</c>: the champion's mean |SHAP| per feature.
/// <c>source="explain"</c>: the global importance of the newest <c>explain/shap</c> run on the champion (its
/// <c>global</c> output); <c>source="decisions"</c>: the mean over the explanations stored for the champion's live
/// decisions (the tick loop stores them).</item>
/// <item><c>pipelines_model_champion_version{model}</c>; <c>pipelines_store_up</c> (1 when the last scrape read the store).</item>
/// <item><c>pipelines_tick_latency_seconds{loop,model,percentile}</c> and <c>pipelines_tick_loop_ticks{loop,model}</c>
/// for each tick loop running in this process (meter <c>Pipelines.Ticks</c>).</item>
/// </list>
/// </summary>
public sealed class ServiceMetrics : IDisposable
{
    /// <summary>The meter the tick loop publishes (Pipelines.Steps' TickMetrics); read here by name, as the service does not reference the steps.</summary>
    public const string TickMeterName = "Pipelines.Ticks";

    private static readonly string[] SeverityOrder = ["NONE", "LOW", "MEDIUM", "HIGH", "CRITICAL"];

    private readonly Lock _gate = new();
    private readonly Gauge _runs;
    private readonly Histogram _stepDurations;
    private readonly Gauge _driftStatistic;
    private readonly Gauge _driftSeverity;
    private readonly Gauge _importance;
    private readonly Gauge _champion;
    private readonly Gauge _storeUp;
    private readonly Gauge _tickLatency;
    private readonly Gauge _tickTicks;
    private readonly MeterListener _ticks = new();
    private StoreAccess? _store;
    private DateTime _stepsObservedUntil = DateTime.MinValue;

    public CollectorRegistry Registry { get; } = Metrics.NewCustomRegistry();

    public ServiceMetrics()
    {
        var factory = Metrics.WithCustomRegistry(Registry);
        _runs = factory.CreateGauge("pipelines_runs", "Runs in the store, by pipeline and status.", "pipeline", "status");
        _stepDurations = factory.CreateHistogram("pipelines_step_duration_seconds", "Duration of finished step runs, by step type (cached steps excluded).",
            new HistogramConfiguration { LabelNames = ["step_type"], Buckets = Histogram.ExponentialBuckets(0.001, 4, 11) });
        _driftStatistic = factory.CreateGauge("pipelines_drift_statistic", "The newest drift statistic per model, feature and statistic.", "model", "feature", "statistic");
        _driftSeverity = factory.CreateGauge("pipelines_drift_severity", "The newest drift severity per model and feature: 0 none, 1 low, 2 medium, 3 high, 4 critical.", "model", "feature");
        _importance = factory.CreateGauge("pipelines_feature_importance",
            "The champion's mean absolute SHAP value per feature: from its newest explain/shap run (source=explain) or its stored live explanations (source=decisions).",
            "model", "version", "feature", "source");
        _champion = factory.CreateGauge("pipelines_model_champion_version", "The version the champion alias names, per model.", "model");
        _storeUp = factory.CreateGauge("pipelines_store_up", "1 when the last scrape could read the store, 0 otherwise.");
        _tickLatency = factory.CreateGauge("pipelines_tick_latency_seconds", "Per-tick latency of each tick loop running in this process, at a percentile.", "loop", "model", "percentile");
        _tickTicks = factory.CreateGauge("pipelines_tick_loop_ticks", "Ticks read by each tick loop running in this process.", "loop", "model");

        _ticks.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == TickMeterName) listener.EnableMeasurementEvents(instrument);
        };
        _ticks.SetMeasurementEventCallback<double>(OnTickMeasurement);
        _ticks.SetMeasurementEventCallback<long>((instrument, value, tags, _) => OnTickMeasurement(instrument, value, tags, null));
        _ticks.Start();
        Registry.AddBeforeCollectCallback(Refresh);
    }

    /// <summary>Points the metrics at the store; until then only the tick loops are reported.</summary>
    public void Attach(StoreAccess store)
    {
        lock (_gate) _store = store;
    }

    private void Refresh()
    {
        lock (_gate)
        {
            RefreshTicks();
            if (_store is null) return;
            try
            {
                var read = _store.Use(Read, null);
                _storeUp.Set(read is null ? 0 : 1);
                if (read is not null) Publish(read);
            }
            catch (Exception e) when (e is StoreLockedException or IOException or InvalidOperationException)
            {
                // A store another process holds right now: the previous values stay, and the scrape says the read failed.
                _storeUp.Set(0);
            }
        }
    }

    private sealed record StoreReading(
        List<(string Pipeline, string Status, long Runs)> Runs,
        List<(string StepType, double Seconds, DateTime FinishedAt)> Steps,
        List<DriftEventRecord> Drift,
        List<(string Model, int Version, string Feature, double Importance)> Importance,
        List<(string Model, int Version)> Champions,
        List<GlobalImportance> Explained);

    /// <summary>The <c>global</c> output of one explain/shap run: which model version it explained and its mean |SHAP| per feature.</summary>
    private sealed record GlobalImportance(string Model, int Version, IReadOnlyList<(string Feature, double Value)> Features);

    // Artifacts are content-addressed and never change: each explain output is read and parsed once.
    private readonly Dictionary<string, GlobalImportance?> _explained = new(StringComparer.Ordinal);
    private const int ExplainRunsConsidered = 200;

    private StoreReading Read(PipelineStore store) => store.Read(connection => new StoreReading(
        connection.Rows("SELECT pipeline, status, count(*) AS runs FROM runs GROUP BY pipeline, status ORDER BY pipeline, status",
            row => (row.Text("pipeline"), row.Text("status"), row.Integer("runs"))),
        connection.Rows(
            "SELECT step_type, duration_ms, finished_at FROM step_runs WHERE finished_at > ? AND duration_ms IS NOT NULL AND status <> 'cached' ORDER BY finished_at",
            row => (row.Text("step_type"), row.RealOrNull("duration_ms")!.Value / 1000.0, row.Time("finished_at")), _stepsObservedUntil),
        connection.Rows(
            "SELECT run_id, step_id, model, feature, statistic, value, severity, detail, detected_at FROM drift_events " +
            "QUALIFY row_number() OVER (PARTITION BY model, feature, statistic ORDER BY detected_at DESC) = 1 ORDER BY model, feature, statistic",
            StoreEntities.DriftEvent),
        connection.Rows(
            "SELECT e.model, e.model_version, e.feature, avg(abs(e.shap_value)) AS importance FROM decision_explanations e " +
            "JOIN model_aliases a ON a.name = e.model AND a.version = e.model_version AND a.alias = 'champion' " +
            "GROUP BY e.model, e.model_version, e.feature ORDER BY e.model, e.feature",
            row => (row.Text("model"), (int)row.Integer("model_version"), row.Text("feature"), row.RealOrNull("importance") ?? 0)),
        connection.Rows("SELECT name, version FROM model_aliases WHERE alias = 'champion' ORDER BY name",
            row => (row.Text("name"), (int)row.Integer("version"))),
        connection.Rows(
            "SELECT a.sha256, a.kind, a.format, a.bytes, a.store_path FROM step_outputs o JOIN step_runs s USING (run_id, step_id) " +
            "JOIN artifacts a ON a.sha256 = o.sha256 WHERE s.step_type = 'explain/shap' AND s.status = 'succeeded' AND o.output = 'global' " +
            "ORDER BY s.finished_at DESC LIMIT ?",
            StoreEntities.Artifact, ExplainRunsConsidered)
            .Select(artifact => Explained(store, artifact)).OfType<GlobalImportance>().ToList()));

    private GlobalImportance? Explained(PipelineStore store, Pipelines.Abstractions.Artifact artifact)
    {
        if (_explained.TryGetValue(artifact.Sha256, out var known)) return known;
        GlobalImportance? parsed = null;
        try
        {
            var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(store.Artifacts.OpenVerified(artifact)));
            if (json?["model"]?.GetValue<string>() is { } model && json["version"]?.GetValue<int>() is { } version && json["mean_abs_shap"] is System.Text.Json.Nodes.JsonArray features)
                parsed = new GlobalImportance(model, version, features
                    .Select(f => (f?["feature"]?.GetValue<string>() ?? "", f?["value"]?.GetValue<double>() ?? double.NaN))
                    .Where(f => f.Item1.Length > 0 && double.IsFinite(f.Item2)).ToList());
        }
        catch (Exception e) when (e is IOException or System.Text.Json.JsonException or InvalidOperationException or FormatException or ArtifactIntegrityException)
        {
            // An output that is missing or not the shape explain/shap writes says nothing about importance.
        }
        _explained[artifact.Sha256] = parsed;
        return parsed;
    }

    private void Publish(StoreReading reading)
    {
        Replace(_runs, reading.Runs.Select(r => (new[] { r.Pipeline, r.Status }, (double)r.Runs)));
        foreach (var (stepType, seconds, finishedAt) in reading.Steps)
        {
            _stepDurations.WithLabels(stepType).Observe(seconds);
            if (finishedAt > _stepsObservedUntil) _stepsObservedUntil = finishedAt;
        }
        Replace(_driftStatistic, reading.Drift.Where(d => d.Value is { } v && double.IsFinite(v))
            .Select(d => (new[] { d.Model, d.Feature, d.Statistic }, d.Value!.Value)));
        Replace(_driftSeverity, reading.Drift.GroupBy(d => (d.Model, d.Feature))
            .Select(g => (new[] { g.Key.Model, g.Key.Feature }, (double)g.Max(d => SeverityRank(d.Severity)))));
        var champions = reading.Champions.ToHashSet();
        // Newest first: the first explain run found for a champion is the one reported.
        var explained = reading.Explained.Where(e => champions.Contains((e.Model, e.Version))).DistinctBy(e => (e.Model, e.Version));
        Replace(_importance, reading.Importance.Select(i => (new[] { i.Model, Text(i.Version), i.Feature, "decisions" }, i.Importance))
            .Concat(explained.SelectMany(e => e.Features.Select(f => (new[] { e.Model, Text(e.Version), f.Feature, "explain" }, f.Value)))));
        Replace(_champion, reading.Champions.Select(c => (new[] { c.Model }, (double)c.Version)));
    }

    private static string Text(int number) => number.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static int SeverityRank(string severity) => Math.Max(0, Array.IndexOf(SeverityOrder, severity.ToUpperInvariant()));

    /// <summary>Sets a gauge's series to exactly these, removing the ones the store no longer has (a run that changed status).</summary>
    private static void Replace(Gauge gauge, IEnumerable<(string[] Labels, double Value)> series)
    {
        var kept = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (labels, value) in series)
        {
            gauge.WithLabels(labels).Set(value);
            kept.Add(string.Join('\u001f', labels));
        }
        foreach (var labels in gauge.GetAllLabelValues().ToList())
            if (!kept.Contains(string.Join('\u001f', labels))) gauge.RemoveLabelled(labels);
    }

    private readonly List<(string[] Labels, double Value)> _latencySeries = [];
    private readonly List<(string[] Labels, double Value)> _tickSeries = [];

    private void RefreshTicks()
    {
        _latencySeries.Clear();
        _tickSeries.Clear();
        _ticks.RecordObservableInstruments();
        Replace(_tickLatency, _latencySeries);
        Replace(_tickTicks, _tickSeries);
    }

    private void OnTickMeasurement(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        string Tag(ReadOnlySpan<KeyValuePair<string, object?>> all, string name)
        {
            foreach (var tag in all) if (tag.Key == name) return tag.Value?.ToString() ?? "";
            return "";
        }
        // Called only from RecordObservableInstruments, under the gate.
        if (instrument.Name == "latency") _latencySeries.Add(([Tag(tags, "loop"), Tag(tags, "model"), Tag(tags, "percentile")], value));
        else if (instrument.Name == "ticks") _tickSeries.Add(([Tag(tags, "loop"), Tag(tags, "model")], value));
    }

    public void Dispose() => _ticks.Dispose();
}
