namespace Pipelines.Engine.Execution;

/// <summary>How to run a pipeline.</summary>
public sealed record RunOptions
{
    /// <summary>Rerun every step even when an identical earlier result exists.</summary>
    public bool Force { get; init; }

    /// <summary>How many steps may run at once.</summary>
    public int MaxParallelism { get; init; } = System.Environment.ProcessorCount;

    /// <summary>Timeout for steps that declare none.</summary>
    public TimeSpan DefaultStepTimeout { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Versions the registry keeps per model (ml.yaml registry.max_versions).</summary>
    public int RegistryMaxVersions { get; init; } = 20;

    /// <summary>The ml.yaml sections steps read (drift thresholds).</summary>
    public Pipelines.Abstractions.WorkspaceSettings StepSettings { get; init; } = new();

    public IReadOnlyDictionary<string, string> ParameterOverrides { get; init; } = new Dictionary<string, string>();

    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;

    public IRunObserver? Observer { get; init; }

    /// <summary>
    /// The id the new run gets; a fresh one when null. The service names a run before it starts, so the firing that
    /// started it is recorded with its run id in the same commit as the decision to start it.
    /// </summary>
    public string? RunId { get; init; }

    /// <summary>What started the run, read by <c>${{ trigger.* }}</c>; a start by hand unless a trigger fired it.</summary>
    public Pipelines.Engine.Triggers.TriggerContext Trigger { get; init; } = Pipelines.Engine.Triggers.TriggerContext.Manual;
}
