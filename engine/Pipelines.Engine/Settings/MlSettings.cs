using Pipelines.Abstractions;

namespace Pipelines.Engine.Settings;

/// <summary>The workspace-wide settings in <c>ml.yaml</c>; every key has a default, so the file may be empty of sections.</summary>
public sealed record MlSettings
{
    public const string FileName = "ml.yaml";

    [Input("Where runs, artifacts and logs are stored.")]
    public StoreSettings Store { get; init; } = new();

    [Input("How the engine runs steps.")]
    public EngineSettings Engine { get; init; } = new();

    [Input("The model registry.")]
    public RegistrySettings Registry { get; init; } = new();

    [Input("Structured logging.")]
    public LoggingSettings Logging { get; init; } = new();

    [Input("Drift thresholds drift/check uses for every threshold a step does not set.")]
    public DriftSettings Drift { get; init; } = new();

    [Input("Where events are delivered: webhooks (CloudEvents, HMAC-signed) and Telegram chats, each with the event types it receives.")]
    public List<NotifySink> Notify { get; init; } = [];

    [Input("Thresholds of realised performance monitor/performance uses for every threshold a step does not set.")]
    public MonitorSettings Monitor { get; init; } = new();

    [Input("What the store keeps and for how long: registry versions, shadow predictions, decisions, retired models' files (applied by registry/retention).")]
    public RetentionSettings Retention { get; init; } = new();

    [Input("How the nodes of a cluster (a postgres store) check in: the interval and the threshold after which a silent node's steps run elsewhere; the command line's --checkin-interval and --checkin-threshold override them.")]
    public ClusterCheckInSettings Cluster { get; init; } = new();

    /// <summary>What steps may read of these settings.</summary>
    public WorkspaceSettings ForSteps() => new() { Drift = Drift, Monitor = Monitor, Retention = Retention with { MaxVersions = Registry.MaxVersions } };
}
