using System.Collections.Concurrent;
using Pipelines.Abstractions;

namespace Pipelines.Service.Tests.Support;

/// <summary>
/// Gates a step waits at until a test opens them, so a run stays running exactly as long as a test needs; counts
/// how often each gate was entered.
/// </summary>
public static class Gates
{
    private static readonly ConcurrentDictionary<string, TaskCompletionSource> Open = new();
    private static readonly ConcurrentDictionary<string, int> Entered = new();

    public static TaskCompletionSource For(string key) => Open.GetOrAdd(key, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    public static void Release(string key) => For(key).TrySetResult();

    public static int EnteredCount(string key) => Entered.GetValueOrDefault(key);

    internal static void Enter(string key) => Entered.AddOrUpdate(key, 1, (_, n) => n + 1);

    /// <summary>A key unique to one test, so tests running side by side never share a gate.</summary>
    public static string NewKey() => Guid.NewGuid().ToString("N")[..10];
}

public sealed record GateInputs
{
    [Input("The gate to wait at.")] public required string Key { get; init; }
}

public sealed record GateOutputs
{
    [Output("The gate waited at.")] public required string Key { get; init; }
}

[Step("test/gate", "Test", "Wait at a gate", Description = "Waits until the test opens its gate, or the run is cancelled.")]
public sealed class GateStep : Step<GateInputs, GateOutputs>
{
    public override async Task<GateOutputs> ExecuteAsync(GateInputs inputs, IStepContext context, CancellationToken cancellationToken)
    {
        Gates.Enter(inputs.Key);
        await Gates.For(inputs.Key).Task.WaitAsync(cancellationToken);
        return new GateOutputs { Key = inputs.Key };
    }
}
