using System.Collections.Concurrent;
using Pipelines.Abstractions;

namespace Pipelines.Engine.Tests.Support;

/// <summary>Small step types that make engine behaviour observable: executions, concurrency, failures.</summary>
public static class TestSteps
{
    public static readonly ConcurrentDictionary<string, int> Executions = new();
    private static readonly ConcurrentDictionary<string, int> Running = new();
    public static readonly ConcurrentDictionary<string, int> MaxRunning = new();

    public static int CountOf(string key) => Executions.GetValueOrDefault(key);

    internal static void Enter(string group)
    {
        var now = Running.AddOrUpdate(group, 1, (_, v) => v + 1);
        MaxRunning.AddOrUpdate(group, now, (_, v) => Math.Max(v, now));
    }

    internal static void Leave(string group) => Running.AddOrUpdate(group, 0, (_, v) => v - 1);
}

public sealed record TextInputs
{
    [Input("Text to write.")] public required string Text { get; init; }
    [Input("Counter key for tests.")] public string Key { get; init; } = "";
}

public sealed record TextOutputs
{
    [Output("The text as a file.")] public required Artifact File { get; init; }
    [Output("The text.")] public required string Text { get; init; }
}

[Step("test/emit", "Test", "Emit text", Description = "Writes its text into an artifact.")]
public sealed class EmitStep : Step<TextInputs, TextOutputs>
{
    public override Task<TextOutputs> ExecuteAsync(TextInputs inputs, IStepContext context, CancellationToken cancellationToken)
    {
        TestSteps.Executions.AddOrUpdate(inputs.Key, 1, (_, v) => v + 1);
        context.Log.Information("Emitting {Text}", inputs.Text);
        var staged = context.StageArtifact("text", "txt");
        File.WriteAllText(staged.Path, inputs.Text);
        return Task.FromResult(new TextOutputs { File = context.CommitArtifact(staged), Text = inputs.Text });
    }
}

public sealed record ConcatInputs
{
    [Input("Files to join.")] public required IReadOnlyList<Artifact> Parts { get; init; }
    [Input("Counter key for tests.")] public string Key { get; init; } = "";
}

[Step("test/concat", "Test", "Concatenate", Description = "Joins text artifacts, reading them through the verified path.")]
public sealed class ConcatStep : Step<ConcatInputs, TextOutputs>
{
    public override Task<TextOutputs> ExecuteAsync(ConcatInputs inputs, IStepContext context, CancellationToken cancellationToken)
    {
        TestSteps.Executions.AddOrUpdate(inputs.Key, 1, (_, v) => v + 1);
        var text = string.Concat(inputs.Parts.Select(p => File.ReadAllText(context.OpenArtifact(p))));
        var staged = context.StageArtifact("text", "txt");
        File.WriteAllText(staged.Path, text);
        return Task.FromResult(new TextOutputs { File = context.CommitArtifact(staged), Text = text });
    }
}

public sealed record FlakyInputs
{
    [Input("Counter key.")] public required string Key { get; init; }
    [Input("How many executions fail before one succeeds.")] public int Failures { get; init; }
}

public sealed record FlagOutputs
{
    [Output("A boolean.")] public required bool Value { get; init; }
}

[Step("test/flaky", "Test", "Flaky", Description = "Fails a given number of times, then succeeds.")]
public sealed class FlakyStep : Step<FlakyInputs, FlagOutputs>
{
    public override Task<FlagOutputs> ExecuteAsync(FlakyInputs inputs, IStepContext context, CancellationToken cancellationToken)
    {
        var count = TestSteps.Executions.AddOrUpdate(inputs.Key, 1, (_, v) => v + 1);
        if (count <= inputs.Failures) throw new InvalidOperationException($"planned failure {count} of {inputs.Failures}");
        return Task.FromResult(new FlagOutputs { Value = true });
    }
}

public sealed record SleepInputs
{
    [Input("How long to sleep.")] public required TimeSpan Duration { get; init; }
    [Input("Concurrency group.")] public required string Group { get; init; }
    [Input("Distinguishes otherwise identical steps.")] public string Id { get; init; } = "";
}

[Step("test/sleep", "Test", "Sleep", Description = "Waits, honouring cancellation, and records concurrency.")]
public sealed class SleepStep : Step<SleepInputs, FlagOutputs>
{
    public override async Task<FlagOutputs> ExecuteAsync(SleepInputs inputs, IStepContext context, CancellationToken cancellationToken)
    {
        TestSteps.Executions.AddOrUpdate(inputs.Group, 1, (_, v) => v + 1);
        TestSteps.Enter(inputs.Group);
        try
        {
            await Task.Delay(inputs.Duration, cancellationToken);
        }
        finally
        {
            TestSteps.Leave(inputs.Group);
        }
        return new FlagOutputs { Value = true };
    }
}

public sealed record FlagInputs
{
    [Input("The value to output.")] public required bool Value { get; init; }
}

[Step("test/flag", "Test", "Flag", Description = "Outputs the boolean it is given.")]
public sealed class FlagStep : Step<FlagInputs, FlagOutputs>
{
    public override Task<FlagOutputs> ExecuteAsync(FlagInputs inputs, IStepContext context, CancellationToken cancellationToken) =>
        Task.FromResult(new FlagOutputs { Value = inputs.Value });
}

[Step("test/model", "Test", "Fake model", Description = "Writes its text as a model artifact.")]
public sealed class FakeModelStep : Step<TextInputs, TextOutputs>
{
    public override Task<TextOutputs> ExecuteAsync(TextInputs inputs, IStepContext context, CancellationToken cancellationToken)
    {
        var staged = context.StageArtifact("model", "txt");
        File.WriteAllText(staged.Path, inputs.Text);
        return Task.FromResult(new TextOutputs { File = context.CommitArtifact(staged), Text = inputs.Text });
    }
}

public sealed record AnnounceInputs
{
    [Input("Counter key.")] public required string Key { get; init; }
    [Input("How many executions fail, after publishing, before one succeeds.")] public int Failures { get; init; }
}

[Step("test/announce", "Test", "Announce", Description = "Publishes an event naming its execution, then fails a given number of times.")]
public sealed class AnnounceStep : Step<AnnounceInputs, FlagOutputs>
{
    public override Task<FlagOutputs> ExecuteAsync(AnnounceInputs inputs, IStepContext context, CancellationToken cancellationToken)
    {
        var count = TestSteps.Executions.AddOrUpdate(inputs.Key, 1, (_, v) => v + 1);
        context.Events.Publish("custom.test.announced", "toxicity", null, $$"""{"execution":{{count}}}""");
        if (count <= inputs.Failures) throw new InvalidOperationException($"planned failure {count} of {inputs.Failures}");
        return Task.FromResult(new FlagOutputs { Value = true });
    }
}

[Step("test/long-sleep", "Test", "Long sleep", LongRunning = true, Description = "Waits like test/sleep, as a step that runs as long as its inputs say.")]
public sealed class LongSleepStep : Step<SleepInputs, FlagOutputs>
{
    public override async Task<FlagOutputs> ExecuteAsync(SleepInputs inputs, IStepContext context, CancellationToken cancellationToken)
    {
        await Task.Delay(inputs.Duration, cancellationToken);
        return new FlagOutputs { Value = true };
    }
}
