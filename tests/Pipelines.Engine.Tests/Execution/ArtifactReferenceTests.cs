using Pipelines.Abstractions;
using Pipelines.Engine.Storage;
using Pipelines.Engine.Tests.Support;

namespace Pipelines.Engine.Tests.Execution;

public sealed record ManifestInputs
{
    [Input("Text of the part file.")] public required string Text { get; init; }
    [Input("Also declare that the part needs the manifest, though the part is not returned.")] public bool DeclareUnreturned { get; init; }
}

public sealed record ManifestOutputs
{
    [Output("A file naming the part by hash.")] public required Artifact Manifest { get; init; }
}

[Step("test/manifest", "Test", "Manifest", Description = "Writes a part file and a manifest naming it by hash, returns the manifest only, and declares that it needs the part.")]
public sealed class ManifestStep : Step<ManifestInputs, ManifestOutputs>
{
    public override Task<ManifestOutputs> ExecuteAsync(ManifestInputs inputs, IStepContext context, CancellationToken cancellationToken)
    {
        var part = context.StageArtifact("model", "txt");
        File.WriteAllText(part.Path, inputs.Text);
        var partFile = context.CommitArtifact(part);
        var manifest = context.StageArtifact("model", "json");
        File.WriteAllText(manifest.Path, $$"""{ "part": "{{partFile.Sha256}}" }""");
        var manifestFile = context.CommitArtifact(manifest);
        context.RecordReference(manifestFile, partFile);
        if (inputs.DeclareUnreturned) context.RecordReference(partFile, manifestFile);
        return Task.FromResult(new ManifestOutputs { Manifest = manifestFile });
    }
}

/// <summary>
/// What a step declares an output needs at load time reaches the store with the step's results: the reference, and a row
/// for a needed file the step made without returning it, so a reader finds that file by hash. A step that declares
/// a need of an artifact it does not return fails, and nothing of it is stored.
/// </summary>
public sealed class ArtifactReferenceTests : IDisposable
{
    private readonly EngineHarness _h = new();

    public void Dispose() => _h.Dispose();

    private static string Pipeline(bool declareUnreturned) => $$"""
        name: references
        steps:
          - id: manifest
            uses: test/manifest
            with: { text: "the part", declare_unreturned: {{(declareUnreturned ? "true" : "false")}} }
        """;

    private IReadOnlyList<object?[]> References() =>
        _h.Store.Read(c => c.Rows("SELECT sha256, referenced_sha256, run_id, step_id FROM artifact_references", RowValues.All));

    [Fact]
    public void A_declared_reference_is_stored_with_the_step_and_the_unreturned_part_it_names_gets_a_row()
    {
        var run = _h.Run(Pipeline(declareUnreturned: false));
        Assert.True(run.Status == RunStatus.Succeeded, _h.Failures(run));

        var manifest = _h.Store.OutputArtifacts(run.RunId, "manifest").Single().Artifact;
        var reference = Assert.Single(References());
        var part = _h.Store.FindArtifacts((string)reference[1]!).Single();
        Assert.Equal([manifest.Sha256, part.Artifact.Sha256, run.RunId, "manifest"], reference);
        Assert.Equal(("the part", run.RunId, "manifest"), (File.ReadAllText(_h.Store.Artifacts.OpenVerified(part.Artifact)), part.ProducedByRun, part.ProducedByStep));
        // The part is no output of the step, and not what the manifest was made from.
        Assert.Empty(_h.Store.Lineage(manifest.Sha256, upstream: true));

        // A cached run reuses the result, and what it needs is already known.
        var cached = _h.Run(Pipeline(declareUnreturned: false));
        Assert.Equal(StepStatus.Cached, _h.Store.StepRuns(cached.RunId).Single().Status);
        Assert.Single(References());
    }

    [Fact]
    public void Declaring_what_an_unreturned_artifact_needs_fails_the_step_and_stores_nothing_of_it()
    {
        var run = _h.Run(Pipeline(declareUnreturned: true));

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Contains("needs another, but returned it as none of its outputs", _h.Failures(run));
        Assert.Empty(References());
        Assert.Equal(0, _h.Store.Count("artifacts"));
    }
}
