namespace Pipelines.Abstractions;

/// <summary>
/// Models, their versions, aliases and an audit trail of every transition. Promotion is atomic: an alias names
/// exactly one version at any moment, whatever promotions run at once.
/// </summary>
public interface IModelRegistry
{
    /// <summary>
    /// Registers a new version (stage "staged") and applies the retention limit to old unaliased versions; a model
    /// file that is already registered under the name returns its existing version.
    /// </summary>
    ModelVersion Register(string name, Artifact model, string? metricsJson, string? trainingDataSha256, string reason);

    /// <summary>The version an alias points at, or a version by number ("3"); null when there is none.</summary>
    ModelVersion? Find(string name, string aliasOrVersion);

    /// <summary>Points <paramref name="alias"/> at <paramref name="version"/>; "champion" moves it to production and
    /// retires the previous champion, "challenger" moves it to shadow.</summary>
    ModelVersion Promote(string name, int version, string alias, string reason);

    /// <summary>Points <paramref name="alias"/> back at the version it named before its last promotion.</summary>
    ModelVersion Rollback(string name, string alias, string reason);

    IReadOnlyList<ModelVersion> Versions(string name);

    IReadOnlyList<string> Models();

    IReadOnlyList<ModelTransition> Transitions(string name);

    /// <summary>
    /// The steps that made <paramref name="version"/>'s model file and every table upstream of it, nearest first: where
    /// a monitor finds the model's target and the label definition its training table was made with.
    /// </summary>
    IReadOnlyList<LineageStep> Lineage(string name, int version);

    /// <summary>
    /// Applies <paramref name="policy"/> at <paramref name="now"/>: deletes shadow predictions and decisions past their
    /// age, and archives the model files of versions retired longer than the policy allows (moved out of the
    /// content-addressed store into the archive directory beside a manifest), each with an audit row. Versions an alias
    /// names are never touched. With <paramref name="dryRun"/> nothing changes and the report lists what would go.
    /// </summary>
    RetentionReport ApplyRetention(RetentionSettings policy, DateTime now, bool dryRun, string reason);
}
