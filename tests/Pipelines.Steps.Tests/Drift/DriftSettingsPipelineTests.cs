using System.Text.Json.Nodes;
using Pipelines.Engine.Catalog;
using Pipelines.Engine.Execution;
using Pipelines.Engine.Parsing;
using Pipelines.Engine.Planning;
using Pipelines.Engine.Settings;
using Pipelines.Engine.Storage;
using Pipelines.Steps.Drift;
using Serilog;

namespace Pipelines.Steps.Tests.Drift;

/// <summary>ml.yaml's drift: section reaches drift/check when the engine runs a pipeline, and the step's with: still wins.</summary>
public sealed class DriftSettingsPipelineTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("pipelines-drift-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>
    /// The two tables of <see cref="DriftThresholdSettingsTests"/>: 0..19, and the same with 2 and 3 moved to 0.25
    /// and 0.75 (PSI ≈ 0.76, KS not significant), so the severity follows the PSI thresholds alone.
    /// </summary>
    private async Task<JsonNode> RunDriftCheck(string mlYaml, string stepThresholds)
    {
        File.WriteAllText(Path.Combine(_root, MlSettings.FileName), "store:\n  path: .pipelines\n  lock_timeout: 2s\n" + mlYaml);
        File.WriteAllText(Path.Combine(_root, "reference.csv"), "x\n" + string.Join("\n", Enumerable.Range(0, 20)) + "\n");
        File.WriteAllText(Path.Combine(_root, "current.csv"),
            "x\n" + string.Join("\n", Enumerable.Range(0, 20).Select(i => i switch { 2 => "0.25", 3 => "0.75", _ => i.ToString(System.Globalization.CultureInfo.InvariantCulture) })) + "\n");
        var yaml = $$$"""
            name: drift-settings
            steps:
              - id: reference
                uses: ingest/csv
                with:
                  path: reference.csv
              - id: current
                uses: ingest/csv
                with:
                  path: current.csv
              - id: drift
                uses: drift/check
                with:
                  reference: ${{ steps.reference.outputs.table }}
                  current: ${{ steps.current.outputs.table }}
                  features: [x]
            {{{stepThresholds}}}
            """;
        var file = Path.Combine(_root, "pipeline.yaml");
        File.WriteAllText(file, yaml);
        var settings = Workspace.Discover(_root).Settings;
        var catalog = new StepCatalog().AddAssembly(typeof(DriftCheckStep).Assembly);
        var compiled = PipelineCompiler.Compile(PipelineParser.ParseText(file, yaml), catalog, _root, null, _ => null);
        using var store = PipelineStore.Open(Path.Combine(_root, ".pipelines"), TimeSpan.FromSeconds(5));

        var result = await new PipelineRunner(store, catalog, new LoggerConfiguration().CreateLogger())
            .RunAsync(compiled, new RunOptions { MaxParallelism = 1, Environment = _ => null, StepSettings = settings.ForSteps() }, default);

        Assert.True(result.Status == RunStatus.Succeeded, result.Error);
        return JsonNode.Parse(store.StepRuns(result.RunId).Single(s => s.StepId == "drift").OutputsJson!)!;
    }

    [Fact]
    public async Task Without_a_drift_section_the_built_in_thresholds_apply()
    {
        var outputs = await RunDriftCheck("", "");
        Assert.Equal("CRITICAL", (string)outputs["Severity"]!);
        Assert.True((bool)outputs["Retrain"]!);
    }

    [Fact]
    public async Task The_workspace_drift_section_sets_the_thresholds_the_step_leaves_unset()
    {
        const string lenient = "drift:\n  psi_medium: 50\n  psi_high: 60\n  psi_critical: 70\n";

        var fromSettings = await RunDriftCheck(lenient, "");
        Assert.Equal("LOW", (string)fromSettings["Severity"]!);
        Assert.False((bool)fromSettings["Retrain"]!);

        var stepWins = await RunDriftCheck(lenient, "      psi_medium: 0.01");
        Assert.Equal("MEDIUM", (string)stepWins["Severity"]!);
    }
}
