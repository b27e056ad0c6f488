namespace Pipelines.Abstractions;

/// <summary>One registered version of a model, as the registry knows it.</summary>
/// <param name="Name">The model's name, e.g. "toxicity".</param>
/// <param name="Version">1, 2, 3… in registration order.</param>
/// <param name="Model">The model file (content-addressed).</param>
/// <param name="Stage">Lifecycle stage: staged, shadow, production or retired.</param>
/// <param name="Aliases">Aliases currently pointing at this version (champion, challenger, custom).</param>
/// <param name="MetricsJson">Metrics recorded at registration, as JSON.</param>
/// <param name="TrainingDataSha256">Hash of the table the model was trained on.</param>
/// <param name="RunId">The run that registered it.</param>
/// <param name="StepId">The step that registered it.</param>
/// <param name="GitCommit">The commit of the pipeline file that registered it, when known.</param>
/// <param name="CreatedAt">When it was registered (UTC).</param>
public sealed record ModelVersion(
    string Name,
    int Version,
    Artifact Model,
    string Stage,
    IReadOnlyList<string> Aliases,
    string? MetricsJson,
    string? TrainingDataSha256,
    string? RunId,
    string? StepId,
    string? GitCommit,
    DateTime CreatedAt)
{
    /// <summary>The version this one continued from (train/gbdt's continue_from); null for a model trained from scratch.</summary>
    public ModelParent? Parent { get; init; }
}

/// <summary>A registered version another was trained from: model name and version number.</summary>
public sealed record ModelParent(string Name, int Version)
{
    public override string ToString() => $"{Name} v{Version}";
}
