using System.Text.Json.Nodes;
using Pipelines.Engine.Storage;
using Pipelines.Engine.Tests.Support;
using Pipelines.Steps.Tables;

namespace Pipelines.Engine.Tests.Cli;

/// <summary>
/// The shipped toxicity pipeline as a user runs it: ingest, named features and labels, train, gate, register,
/// promote — then the questions a user asks of the CLI: which data and commit produced the champion, and why
/// a candidate was not promoted.
/// </summary>
public sealed class ModelLifecyclePipelineTests : IDisposable
{
    private readonly TestWorkspace _workspace = new();
    private readonly string _pipeline;
    private readonly string _retrain;

    public ModelLifecyclePipelineTests()
    {
        var samples = Directory.CreateDirectory(Path.Combine(_workspace.Root, "samples")).FullName;
        File.Copy(RepositoryPaths.SampleBars, Path.Combine(samples, Path.GetFileName(RepositoryPaths.SampleBars)));
        _pipeline = _workspace.Write("pipelines/toxicity.yaml", File.ReadAllText(Path.Combine(RepositoryPaths.Root, "pipelines", "toxicity.yaml")));
        _retrain = _workspace.Write("pipelines/retrain-on-drift.yaml", File.ReadAllText(Path.Combine(RepositoryPaths.Root, "pipelines", "retrain-on-drift.yaml")));
    }

    public void Dispose() => _workspace.Dispose();

    private CliRun Cli(params string[] args) => CliRun.Invoke(["-C", _workspace.Root, .. args]);

    [Fact]
    public void Trains_gates_registers_and_promotes_a_champion_traceable_to_its_data()
    {
        var run = Cli("run", _pipeline, "--param", "iterations=30", "--param", "tune_trials=2");
        Assert.True(run.ExitCode == 0, run.Output + run.Error);

        using (var store = PipelineStore.Open(_workspace.StoreRoot, TimeSpan.FromSeconds(5)))
        {
            var runId = store.ListRuns(1).Single().RunId;
            var registry = new ModelRegistry(store, RegistryActor.Person(), 20);
            var champion = registry.Find("toxicity", "champion");
            Assert.NotNull(champion);
            Assert.Equal(runId, champion.RunId);
            Assert.Equal(ModelRegistry.Stages.Production, champion.Stage);

            // The metrics say what was learned and on what: three regimes, the features table's hash.
            var metrics = JsonNode.Parse(champion.MetricsJson!)!;
            Assert.Equal(["HIGH", "LOW", "MID"], metrics["classes"]!.AsArray().Select(c => (string)c!));
            Assert.Equal(champion.TrainingDataSha256, (string)metrics["training_data_sha256"]!);
            Assert.InRange((double)metrics["holdout"]!["accuracy"]!, 0.45, 1.0);

            // Lineage: the model was made from the features table, which was made from the bundled CSV.
            var upstream = store.Lineage(champion.Model.Sha256, upstream: true);
            Assert.Contains(upstream, e => e.ParentSha256 == champion.TrainingDataSha256 && e.StepId == "train");
            Assert.Contains(upstream, e => store.FindArtifacts(e.ParentSha256).Single().Artifact.StorePath.EndsWith("btcusdt-1m-2023-03-01-to-21.csv", StringComparison.Ordinal));

            // Explained: a self-contained HTML report, and per decision the top 7 (all) features for each of the 3 classes.
            var report = store.OutputArtifacts(runId, "explain").Single(o => o.Output == "report").Artifact;
            var html = File.ReadAllText(store.Artifacts.OpenVerified(report));
            Assert.Contains("<svg", html);
            Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/2000/svg", ""));
            var runReport = File.ReadAllText(store.Artifacts.OpenVerified(store.OutputArtifacts(runId, "report").Single().Artifact));
            foreach (var section in new[] { "Holdout metrics", "Gate", "Confusion matrix", "ROC curves, one per class", "What drives the decisions" })
                Assert.Contains(section, runReport);
            // A regime model whose pipeline declares no backtest gets no trading result made up for it.
            Assert.DoesNotContain("Backtest", runReport);
            Assert.DoesNotContain("equity", runReport, StringComparison.OrdinalIgnoreCase);
            // Readable rules of the regimes, checked on the holdout: high volatility now means a HIGH regime next.
            var rules = File.ReadAllText(store.Artifacts.OpenVerified(store.OutputArtifacts(runId, "rules").Single(o => o.Output == "markdown").Artifact));
            var kept = rules[rules.IndexOf("## Kept", StringComparison.Ordinal)..rules.IndexOf("## Not borne out", StringComparison.Ordinal)];
            Assert.Matches(@"- IF natr_30 > [0-9.]+ THEN HIGH — \d+ rows, precision 0\.\d\d on holdout", kept);
            var decisions = store.OutputArtifacts(runId, "explain").Single(o => o.Output == "decisions").Artifact;
            using var connection = ParquetTableWriter.OpenScratch();
            Assert.Equal(2000L * 3 * 7, connection.Scalar<long>($"SELECT count(*) FROM read_parquet('{store.Artifacts.OpenVerified(decisions)}')"));
        }

        var runIdText = Cli("runs", "-n", "1").FirstRunId();
        var training = Cli("show", runIdText).Output.Split('\n').Select(l => l.Split('│', StringSplitOptions.TrimEntries))
            .First(cells => cells.Length > 2 && cells[1] == "training-window" && cells[2] == "transform/sql");
        var explainedRows = long.Parse(training[6].Split('\n')[0].Replace("rows=", ""), System.Globalization.CultureInfo.InvariantCulture);
        var decision = Cli("explain", runIdText, "--row", (explainedRows - 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(decision.ExitCode == 0, decision.Error);
        Assert.Contains("natr_30", decision.Output);
        Assert.Equal(2, Cli("explain", runIdText, "--row", "0").ExitCode); // only the latest rows were explained

        var show = Cli("models", "show", "toxicity");
        Assert.Equal(0, show.ExitCode);
        Assert.Contains("champion", show.Output);
        Assert.Contains("passed the validation gate", show.Output);
    }

    [Fact]
    public void A_candidate_that_fails_the_gate_is_not_promoted_and_the_run_says_why()
    {
        var strict = _workspace.Write("pipelines/strict.yaml", File.ReadAllText(_pipeline).Replace("min: 0.45", "min: 0.99"));
        var run = Cli("run", strict, "--param", "iterations=10", "--param", "tune_trials=1");
        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        Assert.Contains("promote", run.Output);
        Assert.Contains("condition is false", run.Output);

        var runId = run.FirstRunId();
        var show = Cli("show", runId);
        Assert.Contains("passed=false", show.Output);
        Assert.Contains("FAILS >= 0.99", show.Output);
        Assert.DoesNotContain("champion", Cli("models", "list").Output.Split('\n').First(l => l.Contains("toxicity")).Split('│')[3]);

        // The model's own page says why its version never became champion: the failed gate and the skipped promotion.
        var model = Cli("models", "show", "toxicity").Output;
        var gateLine = model.Split('\n').Single(l => l.Contains("validate/gate"));
        Assert.Contains("failed", gateLine);
        Assert.Contains("FAILS >= 0.99", gateLine);
        Assert.Contains(model.Split('\n'), l => l.Contains("registry/promote") && l.Contains("skipped") && l.Contains("condition is false"));
    }

    [Fact]
    public void The_banking_stress_drifts_away_from_the_champion_and_triggers_a_retrain()
    {
        Assert.Equal(0, Cli("run", _pipeline, "--param", "iterations=20", "--param", "tune_trials=1").ExitCode);
        var run = Cli("run", _retrain, "--param", "iterations=20");
        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        Assert.Matches(@"✓ retrain\s+succeeded", run.Output);

        using (var store = PipelineStore.Open(_workspace.StoreRoot, TimeSpan.FromSeconds(5)))
        {
            var runId = store.ListRuns(1).Single().RunId;
            var events = store.DriftEvents("toxicity", 100);
            Assert.NotEmpty(events);
            Assert.All(events, e => Assert.Equal(runId, e.RunId));
            // Volatility is what changed in March 2023: the rolling volatility feature must be among the worst.
            Assert.Contains(events, e => e.Feature == "natr_30" && e.Severity is "HIGH" or "CRITICAL");

            var registry = new ModelRegistry(store, RegistryActor.Person(), 20);
            var champion = registry.Find("toxicity", "champion")!;
            Assert.Equal(2, champion.Version);
            Assert.Equal(runId, champion.RunId);
            Assert.Equal(ModelRegistry.Stages.Retired, registry.Find("toxicity", "1")!.Stage);

            // The shadow comparison recorded every paired decision with its outcome.
            var paired = store.Read(c => c.Scalar<long>("SELECT count(*) FROM shadow_predictions WHERE run_id = ? AND outcome IS NOT NULL", runId));
            Assert.True(paired >= 100, $"{paired} paired outcomes");
            Assert.Contains(registry.Transitions("toxicity"), t => t.Action == "promote" && t.Alias == "challenger" && t.Version == 2);
            Assert.Equal(["champion"], champion.Aliases);

            // The check is published once, carrying every recorded finding, with the run's other events in the order the run made them.
            var published = store.Events(new Pipelines.Engine.Events.EventQuery(AfterSequence: 0, Limit: 10_000)).Where(e => e.RunId == runId).ToList();
            var detected = Assert.Single(published, e => e.Type == "drift.detected");
            var findings = System.Text.Json.Nodes.JsonNode.Parse(detected.PayloadJson)!["findings"]!.AsArray();
            Assert.Equal(
                events.Select(e => (e.Feature, e.Severity)).Order(),
                findings.Select(f => ((string)f!["feature"]!, (string)f["severity"]!)).Order());
            var rank = new[] { "LOW", "MEDIUM", "HIGH", "CRITICAL" };
            Assert.Equal(events.Max(e => Array.IndexOf(rank, e.Severity)),
                Array.IndexOf(rank, (string)System.Text.Json.Nodes.JsonNode.Parse(detected.PayloadJson)!["severity"]!));
            var types = published.Select(e => e.Type).ToList();
            Assert.Equal("run.started", types[0]);
            Assert.Equal("run.succeeded", types[^1]);
            Assert.True(types.IndexOf("drift.detected") < types.IndexOf("shadow.decided"), string.Join(", ", types));
            Assert.True(types.IndexOf("shadow.decided") < types.LastIndexOf("model.promoted"), string.Join(", ", types));
        }
        var drift = Cli("drift", "--model", "toxicity");
        Assert.Equal(0, drift.ExitCode);
        Assert.Contains("natr_30", drift.Output);
    }

    [Fact]
    public void Without_enough_shadow_outcomes_the_challenger_is_not_promoted()
    {
        Assert.Equal(0, Cli("run", _pipeline, "--param", "iterations=20", "--param", "tune_trials=1").ExitCode);
        var patient = _workspace.Write("pipelines/patient.yaml", File.ReadAllText(_retrain).Replace("min_predictions: 100", "min_predictions: 1000000"));
        var run = Cli("run", patient, "--param", "iterations=20");
        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        Assert.Matches(@"– promote\s+skipped", run.Output);

        var runId = run.FirstRunId();
        Assert.Contains("decision=insufficient", Cli("show", runId).Output);
        using var store = PipelineStore.Open(_workspace.StoreRoot, TimeSpan.FromSeconds(5));
        Assert.Equal(1, new ModelRegistry(store, RegistryActor.Person(), 20).Find("toxicity", "champion")!.Version);
    }

    [Theory]
    [InlineData("fill-probability")]
    [InlineData("calibration")]
    public void The_other_shipped_model_pipelines_run_end_to_end(string name)
    {
        var pipeline = _workspace.Write($"pipelines/{name}.yaml", File.ReadAllText(Path.Combine(RepositoryPaths.Root, "pipelines", $"{name}.yaml")));
        var run = Cli("run", pipeline, "--param", "iterations=20");
        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        using var store = PipelineStore.Open(_workspace.StoreRoot, TimeSpan.FromSeconds(5));
        var registry = new ModelRegistry(store, RegistryActor.Person(), 20);
        var version = registry.Find(name, "1");
        Assert.NotNull(version);
        Assert.NotNull(version.MetricsJson);
        // Promotion follows the gate, so a champion means the shipped gate passed.
        Assert.Equal(1, registry.Find(name, "champion")?.Version);
    }

    [Fact]
    public void Bad_training_inputs_fail_the_step_with_the_reason()
    {
        var broken = _workspace.Write("pipelines/broken.yaml", File.ReadAllText(_pipeline).Replace("target: regime_next", "target: regime_nxt"));
        var run = Cli("run", broken, "--param", "iterations=5");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("input 'target': column 'regime_nxt' is not in the table", run.Output);
    }
}
