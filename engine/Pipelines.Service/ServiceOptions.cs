using Pipelines.Engine.Cluster;
using Pipelines.Engine.Catalog;
using Pipelines.Engine.Execution;

namespace Pipelines.Service;

/// <summary>What <c>pipelines serve</c> is started with.</summary>
public sealed class ServiceOptions
{
    public required string WorkspaceRoot { get; init; }
    public required string PipelinesDirectory { get; init; }
    public required StepCatalog Catalog { get; init; }

    /// <summary>The store's root directory (ml.yaml store.path); service.json is written there.</summary>
    public required string StorePath { get; init; }

    /// <summary>The store's database when it is not the DuckDB file under <see cref="StorePath"/> (ml.yaml store.kind postgres).</summary>
    public Pipelines.Engine.Storage.StoreLocation? Store { get; init; }

    /// <summary>How long to wait for another process holding the store when the service opens it.</summary>
    public TimeSpan StoreWait { get; init; } = TimeSpan.FromSeconds(10);

    public IReadOnlyList<string> Urls { get; init; } = [Pipelines.Studio.StudioOptions.DefaultUrl];
    public string? ApiKey { get; init; }
    public IReadOnlyList<string> AllowedOrigins { get; init; } = [];
    public string? AssetsDirectory { get; init; }
    public int MaxFileBytes { get; init; } = Pipelines.Engine.Yaml.YamlFileLoader.DefaultMaxBytes;

    /// <summary>Parallelism, timeouts and settings every run the service starts gets (as <c>pipelines run</c> would).</summary>
    public RunOptions RunDefaults { get; init; } = new();

    /// <summary>On stop, how long running runs may go on before they are cancelled.</summary>
    public TimeSpan GracePeriod { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the event dispatcher looks for new events when nothing nudges it.</summary>
    public TimeSpan EventPollInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    public TimeProvider Clock { get; init; } = TimeProvider.System;

    public Serilog.ILogger Log { get; init; } = Serilog.Core.Logger.None;

    /// <summary>Where events are delivered (ml.yaml <c>notify:</c>); none starts no notifier.</summary>
    public IReadOnlyList<Pipelines.Engine.Settings.NotifySink> Notify { get; init; } = [];

    /// <summary>How this service takes part in the cluster when the store is in PostgreSQL (ignored with DuckDB).</summary>
    public Cluster.ClusterSettings Cluster { get; init; } = new() { FiresSchedules = true };

    /// <summary>The lateness of a check-in after which the cluster status shows a node as not alive (ml.yaml's cluster section).</summary>
    public TimeSpan ClusterLivenessThreshold { get; init; } = ClusterNodeLiveness.DefaultThreshold;

    /// <summary>The registry's version limit (ml.yaml), applied by registries the API opens.</summary>
    public int RegistryMaxVersions { get; init; } = 20;
}
