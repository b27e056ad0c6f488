using Pipelines.Abstractions;

namespace Pipelines.Engine.Tests.Support;

public sealed record FindInputs : IStoreDependentInputs
{
    [Input("SHA-256 of an artifact the store holds, read without being an input.")] public required string Sha256 { get; init; }
    [Input("Whether the step says it reads the store's changing state.")] public bool ReadsStore { get; init; }
    [Input("Counter key for tests.")] public string Key { get; init; } = "";

    bool IStoreDependentInputs.DependsOnStore => ReadsStore;
}

[Step("test/find", "Test", "Find", Description = "Copies an artifact it finds in the store by hash, declaring that it read it.")]
public sealed class FindStep : Step<FindInputs, TextOutputs>
{
    public override Task<TextOutputs> ExecuteAsync(FindInputs inputs, IStepContext context, CancellationToken cancellationToken)
    {
        TestSteps.Executions.AddOrUpdate(inputs.Key, 1, (_, v) => v + 1);
        var found = context.FindArtifact(inputs.Sha256) ?? throw new StepInputException("sha256", "not in the store");
        var text = File.ReadAllText(context.OpenArtifact(found)) + "!";
        context.RecordRead(found);
        var staged = context.StageArtifact("text", "txt");
        File.WriteAllText(staged.Path, text);
        return Task.FromResult(new TextOutputs { File = context.CommitArtifact(staged), Text = text });
    }
}
