namespace Pipelines.Engine.Storage;

/// <summary>Who is changing the registry, for the audit trail: a step of a run, or a person at the command line.</summary>
public sealed record RegistryActor(string Actor, string? RunId, string? StepId, string? GitCommit)
{
    /// <summary>The pipeline of the run, when a step is the actor: the registry's events name it as their source.</summary>
    public string? Pipeline { get; init; }

    public static RegistryActor Step(string runId, string stepId, string? gitCommit, string? pipeline = null) =>
        new($"run {runId} step {stepId}", runId, stepId, gitCommit) { Pipeline = pipeline };

    /// <summary>Where the registry's events say they come from: the step of a run, or the registry itself for a person's change.</summary>
    public string EventSource => RunId is null ? "/registry"
        : StepId is null ? $"/pipelines/{Pipeline ?? "-"}/runs/{RunId}"
        : $"/pipelines/{Pipeline ?? "-"}/runs/{RunId}/steps/{StepId}";

    public static RegistryActor Person(string? gitCommit = null) => new(Environment.UserName, null, null, gitCommit);

    /// <summary>A caller of the service's API, named by where the request came from.</summary>
    public static RegistryActor Api(string caller) => new($"api {caller}", null, null, null);
}
