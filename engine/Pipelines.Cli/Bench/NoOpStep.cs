using System.Text;
using Pipelines.Abstractions;

namespace Pipelines.Cli.Bench;

public sealed record NoOpInputs
{
    [Input("Artifacts of upstream steps, to create dependencies and lineage.")]
    public IReadOnlyList<Artifact> After { get; init; } = [];

    [Input("Distinguishes steps so each produces its own artifact.")]
    public required string Tag { get; init; }
}

public sealed record NoOpOutputs
{
    [Output("A tiny artifact holding the tag.")]
    public required Artifact Marker { get; init; }
}

/// <summary>
/// A step that does almost nothing — writes its tag as a few bytes — so a benchmark of many of them measures
/// the engine: planning, binding, hashing, storing the artifact and writing run, step and lineage rows.
/// Registered only by the benchmark, never in the catalogue users see.
/// </summary>
[Step("bench/noop", "Benchmark", "No-op", Description = "Writes its tag as a tiny artifact; used to measure engine overhead.")]
public sealed class NoOpStep : Step<NoOpInputs, NoOpOutputs>
{
    public override Task<NoOpOutputs> ExecuteAsync(NoOpInputs inputs, IStepContext context, CancellationToken cancellationToken)
    {
        var staged = context.StageArtifact("marker", "txt");
        // A staged path is always new: CreateNew skips the truncation File.WriteAllBytes does, which makes ext4
        // write the file out on close.
        using (var file = File.OpenHandle(staged.Path, FileMode.CreateNew, FileAccess.Write))
            RandomAccess.Write(file, Encoding.UTF8.GetBytes(inputs.Tag), 0);
        return Task.FromResult(new NoOpOutputs { Marker = context.CommitArtifact(staged) });
    }
}
