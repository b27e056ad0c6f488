using System.Text;
using Pipelines.Abstractions;

namespace Pipelines.Cli.Bench;

public sealed record SleepInputs
{
    [Input("Artifacts of upstream steps, to create dependencies and lineage.")]
    public IReadOnlyList<Artifact> After { get; init; } = [];

    [Input("Distinguishes steps so each produces its own artifact.")]
    public required string Tag { get; init; }

    [Input("How long the step takes, in seconds.")]
    public double Seconds { get; init; }
}

/// <summary>
/// A step that takes a given time and then writes its tag as a tiny artifact: what a cluster benchmark or a failover test
/// needs to catch a step while it runs. Registered only by <c>--bench-steps</c>, never in the catalogue users see.
/// </summary>
[Step("bench/sleep", "Benchmark", "Sleep", Description = "Waits the given seconds, then writes its tag as a tiny artifact; used to measure and test the cluster.")]
public sealed class SleepStep : Step<SleepInputs, NoOpOutputs>
{
    public override async Task<NoOpOutputs> ExecuteAsync(SleepInputs inputs, IStepContext context, CancellationToken cancellationToken)
    {
        if (inputs.Seconds > 0) await Task.Delay(TimeSpan.FromSeconds(inputs.Seconds), cancellationToken);
        var staged = context.StageArtifact("marker", "txt");
        await File.WriteAllBytesAsync(staged.Path, Encoding.UTF8.GetBytes(inputs.Tag), cancellationToken);
        return new NoOpOutputs { Marker = context.CommitArtifact(staged) };
    }
}
