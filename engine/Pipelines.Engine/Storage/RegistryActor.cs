namespace Pipelines.Engine.Storage;

/// <summary>Who is changing the registry, for the audit trail: a step of a run, or a person at the command line.</summary>
public sealed record RegistryActor(string Actor, string? RunId, string? StepId, string? GitCommit)
{
    public static RegistryActor Step(string runId, string stepId, string? gitCommit) => new($"run {runId} step {stepId}", runId, stepId, gitCommit);

    public static RegistryActor Person(string? gitCommit = null) => new(Environment.UserName, null, null, gitCommit);

    /// <summary>A caller of the service's API, named by where the request came from.</summary>
    public static RegistryActor Api(string caller) => new($"api {caller}", null, null, null);
}
