using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Pipelines.Cli;
using Pipelines.Engine.Parsing;
using Pipelines.Engine.Planning;
using Pipelines.Engine.Storage;
using Pipelines.Engine.Yaml;
using Xunit.Abstractions;

namespace Pipelines.Studio.Tests;

/// <summary>
/// The real Elsa Studio (from npm) in Chromium (the build the pinned npm package <c>@sparticuz/chromium</c> carries,
/// see browser/browser-build.js), driven by Playwright (browser/studio-check.js), against
/// <c>pipelines serve</c> started from the built CLI on a free loopback port. The script only reports what the
/// page rendered; it is judged here against the pipeline files, the engine's own plan and the run store.
/// </summary>
public sealed partial class StudioBrowserTests(ITestOutputHelper output) : IDisposable
{
    private const string DesignedPipeline = "toxicity";
    private const string RanPipeline = "btcusdt-bars";
    // A one-line input in the file, edited in Studio's code editor: the save must change that line and nothing else.
    private const string EditedStep = "training-window";
    private const string EditedInput = "sql";
    private const string EditedInputLabel = "Sql";
    private const string NewSql = "SELECT * FROM features ORDER BY open_time";

    private static readonly TimeSpan ServeStartLimit = TimeSpan.FromSeconds(20);
    // Two Blazor WebAssembly boots (designer, then instance viewer) take 25 to 45 s on two busy cores; with the
    // run and the server start the whole test stays under two minutes even at its limits.
    private static readonly TimeSpan CheckLimit = TimeSpan.FromSeconds(90);

    private readonly TemporaryWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [GeneratedRegex(@"^listening on (http://127\.0\.0\.1:\d+)$")]
    private static partial Regex ListeningLine();

    private static string BrowserDirectory => Path.Combine(Repository.Root, "tests", "Pipelines.Studio.Tests", "browser");

    /// <summary>Where the screenshots are kept after the run; TestResults is ignored by git.</summary>
    private static string ArtifactDirectory => Path.Combine(Repository.Root, "tests", "Pipelines.Studio.Tests", "TestResults", "studio-browser");

    private static string DotnetHost => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    [Fact]
    public async Task Studio_lists_the_pipelines_draws_the_dag_autosaves_an_edit_and_shows_a_finished_run()
    {
        foreach (var package in (string[])["playwright-core", "@sparticuz/chromium"])
            Assert.True(File.Exists(Path.Combine(BrowserDirectory, "node_modules", package, "package.json")),
                $"{package} is missing from {BrowserDirectory}/node_modules; building this test project restores it with npm ci (needs node and npm).");

        var runId = await RunShippedPipeline(RanPipeline);
        IReadOnlyList<StepRunRecord> ranSteps;
        using (var store = PipelineStore.Open(Path.Combine(_workspace.Root, ".pipelines"), TimeSpan.FromSeconds(10)))
            ranSteps = store.StepRuns(runId);
        Assert.NotEmpty(ranSteps);
        Assert.All(ranSteps, s => Assert.Equal(StepStatus.Succeeded, s.Status));

        var designedFile = Path.Combine(_workspace.Pipelines, DesignedPipeline + ".yaml");
        var plan = PipelineCompiler.Compile(PipelineParser.ParseFile(designedFile), StepCatalogFactory.Create(), _workspace.Root);
        var before = File.ReadAllText(designedFile);

        if (Directory.Exists(ArtifactDirectory)) Directory.Delete(ArtifactDirectory, recursive: true);
        Directory.CreateDirectory(ArtifactDirectory);
        output.WriteLine($"screenshots: {ArtifactDirectory}");

        using var serve = new ChildProcess(DotnetHost, _workspace.Root,
            Path.Combine(AppContext.BaseDirectory, "pipelines.dll"), "--workspace", _workspace.Root, "serve", "--urls", "http://127.0.0.1:0");
        ChildProcess? check = null;
        try
        {
            var baseUrl = (await serve.WaitForLineAsync(ListeningLine(), ServeStartLimit)).Groups[1].Value;
            Assert.False(serve.Output.Contains("Studio assets not found", StringComparison.Ordinal),
                "serve found no Studio next to pipelines.dll; building Pipelines.Studio restores it from npm into engine/Pipelines.Studio/web");

            var config = new JsonObject
            {
                ["baseUrl"] = baseUrl,
                ["userDataDir"] = Path.Combine(_workspace.Root, "chromium-profile"),
                ["screenshotDir"] = ArtifactDirectory,
                ["definitionId"] = DesignedPipeline,
                ["runId"] = runId,
                ["totalTimeoutMs"] = (int)(CheckLimit - TimeSpan.FromSeconds(5)).TotalMilliseconds,
                ["edit"] = new JsonObject { ["stepId"] = EditedStep, ["inputLabel"] = EditedInputLabel, ["value"] = NewSql },
            };
            check = new ChildProcess("node", BrowserDirectory, "studio-check.js", config.ToJsonString());
            var exitCode = await check.WaitForExitAsync(CheckLimit);
            var report = (check.Output.TrimStart().StartsWith('{') ? JsonNode.Parse(check.Output) as JsonObject : null)
                ?? throw new InvalidOperationException($"the check printed no report (exit code {exitCode})");
            Assert.True(report["failure"] is null, $"the page check failed: {report["failure"]}");
            Assert.Equal(0, exitCode);
            Assert.Empty(Strings(report["errors"]));
            // Everything the page needs comes from 'pipelines serve': it works offline and leaks nothing.
            Assert.Empty(Strings(report["external"]));

            ThePipelineListShowsEveryShippedPipeline(report);
            TheDesignerDrawsOneNodePerStepAndTheDag(report, plan);
            TheDesignerOpensWithEveryNodeInsideTheVisibleCanvas(report, plan);
            TheAutosaveChangedOnlyTheEditedLine(report, before, File.ReadAllText(designedFile));
            TheOtherPipelineFilesAreUntouched();
            TheInstanceViewerShowsTheStepsCompleted(report, ranSteps);
            TheScreenshotsWereSaved(report, runId);
        }
        catch (Exception)
        {
            if (check is not null) output.WriteLine(check.Transcript);
            output.WriteLine(serve.Transcript);
            throw;
        }
        finally
        {
            check?.Dispose();
        }
    }

    private async Task<string> RunShippedPipeline(string name)
    {
        var log = new StringWriter();
        var code = await PipelinesCli.RunAsync(["--workspace", _workspace.Root, "run", Path.Combine(_workspace.Pipelines, name + ".yaml")], log, log, CancellationToken.None);
        Assert.True(code == ExitCodes.Success, log.ToString());
        using var store = PipelineStore.Open(Path.Combine(_workspace.Root, ".pipelines"), TimeSpan.FromSeconds(10));
        return Assert.Single(store.ListRuns(10)).RunId;
    }

    private static void ThePipelineListShowsEveryShippedPipeline(JsonObject report)
    {
        var listed = report["pipelines"]!.AsArray().Select(p => (Id: p!["id"]!.GetValue<string>(), Name: p["name"]!.GetValue<string>())).ToList();
        var shipped = Repository.ShippedPipelines().Select(f => (Id: Path.GetFileNameWithoutExtension(f), PipelineParser.ParseFile(f).Name)).ToList();
        Assert.Equal(shipped, listed);
    }

    private static void TheDesignerDrawsOneNodePerStepAndTheDag(JsonObject report, CompiledPipeline plan)
    {
        var nodes = report["nodes"]!.AsArray()
            .Select(n => (Id: n!["id"]!.GetValue<string>(), Label: n["label"]?.GetValue<string>(), Type: n["type"]?.GetValue<string>())).ToList();
        Assert.Equal(plan.Steps.Select(s => s.Id).Order(StringComparer.Ordinal), nodes.Select(n => n.Id).Order(StringComparer.Ordinal));
        foreach (var step in plan.Steps)
        {
            var node = nodes.Single(n => n.Id == step.Id);
            Assert.Equal(step.Id, node.Label);
            Assert.Equal(step.Descriptor.DisplayName, node.Type);
        }

        // One drawn edge per dependency, from the step it depends on to the step itself.
        var expected = plan.Steps.SelectMany(s => s.DependsOn.Select(d => $"{d} -> {s.Id}")).Order(StringComparer.Ordinal).ToList();
        var drawn = report["edges"]!.AsArray().Select(e => $"{e![0]?.GetValue<string>() ?? "?"} -> {e[1]?.GetValue<string>() ?? "?"}").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, drawn);
    }

    private static void TheDesignerOpensWithEveryNodeInsideTheVisibleCanvas(JsonObject report, CompiledPipeline plan)
    {
        var fit = report["fit"] as JsonObject ?? throw new InvalidOperationException("the check reported no fitted canvas");
        var canvas = Box(fit["canvas"]!);
        Assert.True(canvas.Right - canvas.Left > 100 && canvas.Bottom - canvas.Top > 100, $"the visible canvas is too small to judge: {canvas}");
        var nodes = fit["nodes"]!.AsArray().Select(n => (Id: n!["id"]!.GetValue<string>(), Box: Box(n["box"]!))).ToList();
        Assert.Equal(plan.Steps.Count, nodes.Count);
        foreach (var (id, box) in nodes)
            Assert.True(box.Left >= canvas.Left && box.Right <= canvas.Right && box.Top >= canvas.Top && box.Bottom <= canvas.Bottom,
                $"node {id} at {box} lies outside the visible canvas {canvas}");
    }

    private static (int Left, int Top, int Right, int Bottom) Box(JsonNode box) =>
        (box["left"]!.GetValue<int>(), box["top"]!.GetValue<int>(), box["right"]!.GetValue<int>(), box["bottom"]!.GetValue<int>());

    private static void TheAutosaveChangedOnlyTheEditedLine(JsonObject report, string before, string after)
    {
        var saves = report["saves"]!.AsArray();
        Assert.NotEmpty(saves);
        Assert.All(saves, s => Assert.Equal(200, s!["status"]!.GetValue<int>()));
        Assert.True(saves[^1]!["carriesEdit"]!.GetValue<bool>(), "the last save did not carry the edited value");

        var oldSql = ((YamlScalar)PipelineParser.ParseText(DesignedPipeline + ".yaml", before).FindStep(EditedStep)!.With!.Get(EditedInput)!).Value;
        Assert.NotEqual(NewSql, oldSql);
        var beforeLines = before.Split('\n');
        var afterLines = after.Split('\n');
        Assert.True(beforeLines.Length == afterLines.Length, $"the save changed the number of lines:\n{after}");
        var changed = Enumerable.Range(0, beforeLines.Length).Where(i => beforeLines[i] != afterLines[i]).ToList();
        var line = Assert.Single(changed);
        var indent = beforeLines[line][..(beforeLines[line].Length - beforeLines[line].TrimStart().Length)];
        Assert.Equal($"{indent}{EditedInput}: {oldSql}", beforeLines[line]);
        Assert.Equal($"{indent}{EditedInput}: {NewSql}", afterLines[line]);
        // And the line belongs to the edited step: the file, read again, has the new value there.
        var reread = PipelineParser.ParseText(DesignedPipeline + ".yaml", after).FindStep(EditedStep)!.With!.Get(EditedInput);
        Assert.Equal(NewSql, ((YamlScalar)reread!).Value);
    }

    private void TheOtherPipelineFilesAreUntouched()
    {
        foreach (var shipped in Repository.ShippedPipelines().Where(f => Path.GetFileNameWithoutExtension(f) != DesignedPipeline))
            Assert.Equal(File.ReadAllText(shipped), File.ReadAllText(Path.Combine(_workspace.Pipelines, Path.GetFileName(shipped))));
    }

    private static void TheInstanceViewerShowsTheStepsCompleted(JsonObject report, IReadOnlyList<StepRunRecord> ranSteps)
    {
        var nodes = report["instance"]!.AsArray()
            .Select(n => (Id: n!["id"]!.GetValue<string>(), Badge: n["badge"]?.GetValue<string>(), BadgeClass: n["badgeClass"]?.GetValue<string>())).ToList();
        Assert.Equal(ranSteps.Select(s => s.StepId).Order(StringComparer.Ordinal), nodes.Select(n => n.Id).Order(StringComparer.Ordinal));
        foreach (var node in nodes)
        {
            // Studio's badge counts the node's completed executions and takes the success colour when none faulted.
            Assert.True(node.Badge == "1", $"{node.Id}: badge '{node.Badge}', expected one completed execution");
            Assert.Contains("mud-theme-success", node.BadgeClass ?? "");
        }
        Assert.Equal(ranSteps.Count, report["journalCompleted"]!.GetValue<int>());
    }

    private void TheScreenshotsWereSaved(JsonObject report, string runId)
    {
        var files = Strings(report["screenshots"]).Select(Path.GetFileName).ToList();
        Assert.Equal([$"designer-{DesignedPipeline}.png", $"designer-{DesignedPipeline}-edited.png", $"instance-{runId}.png"], files);
        foreach (var file in files)
        {
            var bytes = File.ReadAllBytes(Path.Combine(ArtifactDirectory, file!));
            Assert.True(bytes.Length > 1000 && bytes.AsSpan(0, 8).SequenceEqual((byte[])[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]), $"{file} is not a PNG");
            output.WriteLine($"screenshot: {Path.Combine(ArtifactDirectory, file!)}");
        }
    }

    private static List<string> Strings(JsonNode? array) => array!.AsArray().Select(n => n!.GetValue<string>()).ToList();
}
