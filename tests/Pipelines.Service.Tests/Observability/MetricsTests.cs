using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Pipelines.Abstractions;
using Pipelines.Engine.Storage;
using Pipelines.Service.Tests.Api;
using Pipelines.Steps.Inference;

namespace Pipelines.Service.Tests.Observability;

public sealed partial class MetricsTests
{
    private static readonly DateTime Start = DateTime.UtcNow.AddHours(-1);

    private static void Seed(ServiceApiHost host)
    {
        host.Store.InsertRun(new RunRecord("r1", "retrain", "pipelines/retrain.yaml", "sha", "", "{}", null, null, RunStatus.Succeeded, Start, Start.AddMinutes(1), "h", 1, false, 0, null));
        host.Store.InsertRun(new RunRecord("r2", "retrain", "pipelines/retrain.yaml", "sha", "", "{}", null, null, RunStatus.Failed, Start, Start.AddMinutes(1), "h", 1, false, 0, "boom"));
        host.Store.InsertRun(new RunRecord("r3", "retrain", "pipelines/retrain.yaml", "sha", "", "{}", null, null, RunStatus.Succeeded, Start, Start.AddMinutes(1), "h", 1, false, 0, null));
        foreach (var (step, ms) in new[] { ("a", 3.0), ("b", 40.0), ("c", 2500.0) })
            host.Store.CompleteStepRun(new StepRunRecord("r1", step, "train/lightgbm", 1, StepStatus.Succeeded, null, null, 1, Start, Start.AddMilliseconds(ms), ms, null, null, null), [], []);
        host.Store.CompleteStepRun(new StepRunRecord("r3", "a", "train/lightgbm", 1, StepStatus.Cached, null, "r1", 1, Start, Start, 0.1, null, null, null), [], []);

        var registry = new ModelRegistry(host.Store, RegistryActor.Person(), 20);
        registry.Register("toxicity", host.ModelArtifact("one"), null, null, "trained");
        registry.Register("toxicity", host.ModelArtifact("two"), null, null, "trained");
        registry.Promote("toxicity", 2, ModelRegistry.Champion, "best");
        new StoreDriftLog(host.Store, "r1", "drift").Record([new DriftEvent("toxicity", "spread", "psi", 0.25, "HIGH", "")]);
        using (var explanations = new StoreExplanationWriter(host.Store, "r1", "explain", "toxicity"))
        {
            explanations.Append(1, 2, "spread", 0.5, 1);
            explanations.Append(2, 2, "spread", -0.3, 1);
            explanations.Append(1, 2, "volume", 0.1, 2);
            explanations.Append(1, 1, "spread", 9.0, 1); // the retired version's: not the champion's importance
        }
        Explained(host, "explain-v1", 1, ("spread", 7.0));
        Explained(host, "explain-v2", 2, ("volume", 0.8), ("spread", 0.2));
    }

    /// <summary>An explain/shap run's global output, in the shape the step writes it.</summary>
    private static void Explained(ServiceApiHost host, string stepId, int version, params (string Feature, double Value)[] importance)
    {
        var staged = host.Store.Artifacts.Stage("r1", stepId, "explanations", "json");
        File.WriteAllText(staged.Path, new JsonObject
        {
            ["model"] = "toxicity", ["version"] = version, ["rows"] = 100,
            ["mean_abs_shap"] = new JsonArray(importance.Select(i => (JsonNode)new JsonObject { ["feature"] = i.Feature, ["value"] = i.Value }).ToArray()),
        }.ToJsonString());
        var artifact = host.Store.Artifacts.Commit(staged);
        host.Store.CompleteStepRun(new StepRunRecord("r1", stepId, "explain/shap", 1, StepStatus.Succeeded, null, null, 1, Start, Start.AddSeconds(1), 1000, null, null, null),
            [("global", artifact)], []);
    }

    [GeneratedRegex(@"^(?<name>[a-z_]+)(\{(?<labels>[^}]*)\})? (?<value>\S+)$", RegexOptions.Multiline)]
    private static partial Regex Sample();

    private static double Value(string text, string name, string labels)
    {
        foreach (Match m in Sample().Matches(text))
            if (m.Groups["name"].Value == name && m.Groups["labels"].Value == labels) return double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture);
        throw new Xunit.Sdk.XunitException($"no sample {name}{{{labels}}} in\n{text}");
    }

    [Fact]
    public async Task Metrics_report_runs_step_durations_drift_and_the_champions_importance_as_the_store_holds_them()
    {
        await using var host = await ServiceApiHost.StartAsync();
        Seed(host);
        var text = await host.Client.GetStringAsync("/metrics");

        Assert.Equal(2, Value(text, "pipelines_runs", "pipeline=\"retrain\",status=\"succeeded\""));
        Assert.Equal(1, Value(text, "pipelines_runs", "pipeline=\"retrain\",status=\"failed\""));
        // Three finished steps; the cached one did no work. Buckets are cumulative: 3 ms ≤ 4 ms, 40 ms ≤ 64 ms, 2.5 s ≤ 4.096 s.
        Assert.Equal(3, Value(text, "pipelines_step_duration_seconds_count", "step_type=\"train/lightgbm\""));
        Assert.Equal(2.543, Value(text, "pipelines_step_duration_seconds_sum", "step_type=\"train/lightgbm\""), 9);
        Assert.Equal(1, Value(text, "pipelines_step_duration_seconds_bucket", "step_type=\"train/lightgbm\",le=\"0.004\""));
        Assert.Equal(2, Value(text, "pipelines_step_duration_seconds_bucket", "step_type=\"train/lightgbm\",le=\"0.064\""));
        Assert.Equal(0.25, Value(text, "pipelines_drift_statistic", "model=\"toxicity\",feature=\"spread\",statistic=\"psi\""));
        Assert.Equal(3, Value(text, "pipelines_drift_severity", "model=\"toxicity\",feature=\"spread\""));
        Assert.Equal((0.5 + 0.3) / 2, Value(text, "pipelines_feature_importance", "model=\"toxicity\",version=\"2\",feature=\"spread\",source=\"decisions\""), 12);
        Assert.Equal(0.1, Value(text, "pipelines_feature_importance", "model=\"toxicity\",version=\"2\",feature=\"volume\",source=\"decisions\""), 12);
        Assert.Equal(0.8, Value(text, "pipelines_feature_importance", "model=\"toxicity\",version=\"2\",feature=\"volume\",source=\"explain\""));
        Assert.Equal(0.2, Value(text, "pipelines_feature_importance", "model=\"toxicity\",version=\"2\",feature=\"spread\",source=\"explain\""));
        Assert.DoesNotContain("version=\"1\"", text);
        Assert.Equal(2, Value(text, "pipelines_model_champion_version", "model=\"toxicity\""));

        // A second scrape observes no step twice.
        var again = await host.Client.GetStringAsync("/metrics");
        Assert.Equal(3, Value(again, "pipelines_step_duration_seconds_count", "step_type=\"train/lightgbm\""));
    }

    [Fact]
    public async Task A_running_tick_loop_reports_its_latency_percentiles_and_stops_reporting_when_it_ends()
    {
        await using var host = await ServiceApiHost.StartAsync();
        var latency = new LatencyHistogram();
        for (var i = 1; i <= 1000; i++) latency.Record(i * 1000L); // 1 µs … 1 ms
        long ticks = 1000;
        using (TickMetrics.Track("replay", "toxicity", latency, () => ticks))
        {
            var text = await host.Client.GetStringAsync("/metrics");
            var loop = Regex.Match(text, "pipelines_tick_latency_seconds\\{loop=\"(replay#\\d+)\"").Groups[1].Value;
            Assert.NotEmpty(loop);
            Assert.Equal(latency.Percentile(50) / 1e9, Value(text, "pipelines_tick_latency_seconds", $"loop=\"{loop}\",model=\"toxicity\",percentile=\"50\""), 12);
            Assert.Equal(latency.Percentile(99) / 1e9, Value(text, "pipelines_tick_latency_seconds", $"loop=\"{loop}\",model=\"toxicity\",percentile=\"99\""), 12);
            Assert.Equal(1000, Value(text, "pipelines_tick_loop_ticks", $"loop=\"{loop}\",model=\"toxicity\""));
        }
        Assert.DoesNotContain("loop=\"replay#", await host.Client.GetStringAsync("/metrics"));
    }

    [Fact]
    public async Task Promtool_accepts_the_metrics_the_service_exposes()
    {
        var promtool = FetchPromtool();
        await using var host = await ServiceApiHost.StartAsync();
        Seed(host);
        var latency = new LatencyHistogram();
        latency.Record(5_000);
        using var loop = TickMetrics.Track("replay", "toxicity", latency, () => 1);
        var text = await host.Client.GetStringAsync("/metrics");

        var check = new ProcessStartInfo(promtool, ["check", "metrics"]) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(check)!;
        await process.StandardInput.WriteAsync(text);
        process.StandardInput.Close();
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"promtool check metrics failed ({process.ExitCode}): {output}\n--- metrics ---\n{text}");
        Assert.Contains("pipelines_tick_latency_seconds", text);
    }

    [GeneratedRegex(@"^# TYPE (?<name>\S+) (?<type>\S+)$", RegexOptions.Multiline)]
    private static partial Regex TypeLine();

    [GeneratedRegex(@"\bpipelines_[a-z_]+")]
    private static partial Regex MetricName();

    [Fact]
    public async Task The_grafana_dashboard_queries_exactly_the_metrics_the_service_exposes()
    {
        await using var host = await ServiceApiHost.StartAsync();
        Seed(host);
        var latency = new LatencyHistogram();
        latency.Record(5_000);
        using var loop = TickMetrics.Track("replay", "toxicity", latency, () => 1);
        var text = await host.Client.GetStringAsync("/metrics");
        var exposed = TypeLine().Matches(text).Select(m => m.Groups["name"].Value).Where(n => n.StartsWith("pipelines_", StringComparison.Ordinal)).ToHashSet();

        var dashboard = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "grafana-dashboard.json")))!;
        var queried = dashboard["panels"]!.AsArray().SelectMany(p => p!["targets"]!.AsArray()).Select(t => t!["expr"]!.GetValue<string>())
            .Concat(dashboard["templating"]!["list"]!.AsArray().Select(v => v!["definition"]?.GetValue<string>() ?? ""))
            .SelectMany(expr => MetricName().Matches(expr).Select(m => Regex.Replace(m.Value, "_(bucket|sum|count)$", "")))
            .ToHashSet();
        Assert.Equal(exposed.Order(), queried.Order());
    }

    [Fact]
    public async Task Healthz_is_200_when_the_store_answers_and_503_when_there_is_none()
    {
        await using (var host = await ServiceApiHost.StartAsync())
        {
            var health = await host.GetJson("/healthz");
            Assert.Equal("ok", health["status"]!.GetValue<string>());
            Assert.True(health["schemaVersion"]!.GetValue<int>() >= 7);
        }
        var empty = Directory.CreateTempSubdirectory("pipelines-nostore-").FullName;
        try
        {
            await using var host = await ServiceApiHost.StartAsync(store: StoreAccess.PerUse(Path.Combine(empty, ".pipelines"), TimeSpan.FromSeconds(1)));
            var response = await host.Client.GetAsync("/healthz");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("unavailable", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["status"]!.GetValue<string>());
        }
        finally { Directory.Delete(empty, recursive: true); }
    }

    /// <summary>promtool from Debian's prometheus package, fetched once by tests/tools/fetch-promtool.sh into obj/.</summary>
    private static string FetchPromtool()
    {
        var script = Path.Combine(RepositoryRoot(), "tests", "tools", "fetch-promtool.sh");
        var cache = Path.Combine(RepositoryRoot(), "tests", "Pipelines.Service.Tests", "obj", "promtool");
        var fetch = new ProcessStartInfo("sh", [script, cache]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(fetch)!;
        var path = process.StandardOutput.ReadToEnd().Trim();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0 && File.Exists(path),
            $"could not fetch promtool with {script} (the pinned Debian prometheus package from deb.debian.org, then apt-get download prometheus): {errors}");
        return path;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Pipelines.sln"))) return dir.FullName;
        throw new InvalidOperationException("Pipelines.sln not found above " + AppContext.BaseDirectory);
    }
}
