using Pipelines.Engine.Cluster;
using Pipelines.Engine.Storage;
using Pipelines.Service.Scheduling;
using Pipelines.Studio;

namespace Pipelines.Service.Api;

/// <summary>What the read API, the metrics and the status page need from the host.</summary>
public sealed class ServiceApiOptions
{
    /// <summary>How requests reach the store: the service lends its open store (<see cref="StoreAccess.Shared"/>).</summary>
    public required StoreAccess Store { get; init; }

    /// <summary>The registry's retention limit (<c>registry.max_versions</c> in ml.yaml), applied by every registry it opens.</summary>
    public int RegistryMaxVersions { get; init; } = 20;

    /// <summary>The scheduler's view when the host has one; a <see cref="ITriggerSchedule"/> registered in DI is preferred.</summary>
    public ITriggerSchedule? Schedule { get; init; }

    /// <summary>
    /// How late a node's check-in may be before the cluster status (endpoint and home page) shows it as not alive, unless
    /// a request says otherwise: ml.yaml's <c>cluster.checkin_threshold</c> as the nodes use it, Quartz's 7.5 s by default.
    /// </summary>
    public TimeSpan ClusterLivenessThreshold { get; init; } = ClusterNodeLiveness.DefaultThreshold;

    /// <summary>The clock that "the last N days" is counted back from.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>
    /// Whether the server asks for an API key: the status page then renders no data on navigation (a browser sends no
    /// key) and fetches its panel with the key the user types.
    /// </summary>
    public bool KeyRequired { get; init; }

    /// <summary>
    /// The options for a server built from <paramref name="studio"/>, reading the store through <paramref name="store"/>,
    /// with the host's scheduler and clock when it has them.
    /// </summary>
    public static ServiceApiOptions For(StudioOptions studio, StoreAccess store, int registryMaxVersions,
        ITriggerSchedule? schedule = null, TimeProvider? time = null, TimeSpan? clusterLivenessThreshold = null) => new()
    {
        ClusterLivenessThreshold = clusterLivenessThreshold ?? ClusterNodeLiveness.DefaultThreshold,
        Store = store,
        RegistryMaxVersions = registryMaxVersions,
        KeyRequired = !string.IsNullOrEmpty(studio.ApiKey),
        Schedule = schedule,
        Time = time ?? TimeProvider.System,
    };

    /// <summary>How often the event stream looks for new events.</summary>
    public TimeSpan EventStreamPollInterval { get; init; } = TimeSpan.FromMilliseconds(500);
}
