using System.Text.Json.Nodes;
using Pipelines.Engine.Catalog;
using Pipelines.Engine.Execution;
using Pipelines.Engine.Parsing;
using Pipelines.Engine.Planning;
using Pipelines.Engine.Storage;
using Pipelines.Steps.Tests.Support;
using Pipelines.Steps.Train;
using Serilog;

namespace Pipelines.Steps.Tests.Train;

/// <summary>
/// The shipped linear-baseline pipeline run by the engine on the bundled sample: a logistic model trained,
/// gated against the champion, promoted, and continued on later data; a rerun's identical model does not beat
/// the champion it already is.
/// </summary>
public sealed class LinearBaselinePipelineTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("pipelines-linear-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Trains_gates_promotes_and_continues_a_linear_model()
    {
        File.WriteAllText(Path.Combine(_root, "ml.yaml"), "store:\n  path: .pipelines\n  lock_timeout: 2s\n");
        Directory.CreateDirectory(Path.Combine(_root, "samples"));
        File.Copy(RepositoryFiles.SampleKlines, Path.Combine(_root, "samples", Path.GetFileName(RepositoryFiles.SampleKlines)));
        var file = Path.Combine(_root, "linear-baseline.yaml");
        var yaml = File.ReadAllText(Path.Combine(RepositoryFiles.Root, "pipelines", "linear-baseline.yaml"));
        File.WriteAllText(file, yaml);
        var catalog = new StepCatalog().AddAssembly(typeof(TrainLinearStep).Assembly);
        using var store = PipelineStore.Open(Path.Combine(_root, ".pipelines"), TimeSpan.FromSeconds(5));

        async Task<RunResult> Run()
        {
            var compiled = PipelineCompiler.Compile(PipelineParser.ParseText(file, yaml), catalog, _root, null, _ => null);
            var result = await new PipelineRunner(store, catalog, new LoggerConfiguration().CreateLogger())
                .RunAsync(compiled, new RunOptions { MaxParallelism = 1, Environment = _ => null }, default);
            Assert.True(result.Status == RunStatus.Succeeded, result.Error);
            return result;
        }

        // Outputs as the store records them: the output record serialised with its property names.
        JsonNode Outputs(RunResult run, string step) => JsonNode.Parse(store.StepRuns(run.RunId).Single(s => s.StepId == step).OutputsJson!)!;

        var first = await Run();
        var gate = Outputs(first, "gate");
        Assert.True((bool)gate["Passed"]!);
        Assert.Contains("logloss: no champion yet for 'volatility-linear' — passes", gate["Reasons"]!.AsArray().Select(r => (string)r!));
        Assert.Equal(StepStatus.Succeeded, first.Steps["promote"]);
        var registry = new ModelRegistry(store, RegistryActor.Person(), 20);
        var champion = registry.Find("volatility-linear", "champion")!;
        Assert.Equal("json", champion.Model.Format);
        // Volatility clusters, so the next half hour's regime is well predicted from the last one's.
        Assert.InRange((double)Outputs(first, "train")["Score"]!, 0.7, 1.0);
        // The update continued the model: it has seen the early training rows and the later ones.
        var trained = (long)Outputs(first, "train")["SamplesSeen"]!;
        var updated = (long)Outputs(first, "update")["SamplesSeen"]!;
        Assert.True(updated > trained, $"{updated} rows seen after the update, {trained} before");

        // The rerun trains the same model again; it cannot beat itself, so the gate fails and nothing is promoted.
        var second = await Run();
        var again = Outputs(second, "gate");
        Assert.False((bool)again["Passed"]!);
        Assert.Contains(again["Reasons"]!.AsArray(), r => ((string)r!).Contains("FAILS to beat champion", StringComparison.Ordinal));
        Assert.Equal(StepStatus.Skipped, second.Steps["promote"]);
        Assert.Equal(champion.Version, registry.Find("volatility-linear", "champion")!.Version);
    }
}
