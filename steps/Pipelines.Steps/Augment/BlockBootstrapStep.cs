using Pipelines.Abstractions;
using Pipelines.Learning.Augmentation;

namespace Pipelines.Steps.Augment;

/// <summary>
/// Adds copies of training rows drawn in moving blocks (<see cref="MovingBlockBootstrap"/>) over the rows a train step
/// with the same target, test_fraction and gap trains on; the gap and holdout rows are never drawn, so no synthetic
/// row comes from a row the model will be scored on.
/// </summary>
[Step("augment/block-bootstrap", "Transform", "Block bootstrap",
    Description = "Add synthetic training rows by the moving-block bootstrap: blocks of block_length consecutive training rows drawn with replacement (seeded) until count rows; only rows a train step with the same target, test_fraction and gap trains on are drawn, holdout rows stay untouched, and every row is marked synthetic or not with the row it was copied from.")]
public sealed class BlockBootstrapStep : Step<BlockBootstrapInputs, AugmentOutputs>
{
    public override Task<AugmentOutputs> ExecuteAsync(BlockBootstrapInputs inputs, IStepContext context, CancellationToken cancellationToken)
    {
        if (inputs.Problems().FirstOrDefault() is { } problem) throw problem.ToException();
        using var table = new AugmentedTable(context.OpenArtifact(inputs.Input));
        var training = table.TrainingRows(inputs.Target, inputs.TestFraction, inputs.Gap);
        if (inputs.BlockLength > training.Length)
            throw new StepInputException("block_length", $"is {inputs.BlockLength}, longer than the {training.Length} training rows (the table's labelled rows less the latest test_fraction and the gap)");
        var count = inputs.Count ?? training.Length;
        foreach (var row in MovingBlockBootstrap.Sample(training.Length, inputs.BlockLength, count, (ulong)inputs.Seed)) table.Copy(training[row]);
        context.Log.Information("Drew {Count} rows in blocks of {BlockLength} from {Training} training rows", count, inputs.BlockLength, training.Length);
        return Task.FromResult(table.Write(context, new HashSet<string>(), cancellationToken));
    }
}
