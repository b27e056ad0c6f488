using Pipelines.Engine.Catalog;
using Pipelines.Engine.Storage;

namespace Pipelines.Studio;

/// <summary>What <c>pipelines serve</c> needs: where the pipelines, the run store and the Studio assets are, and how to listen.</summary>
public sealed class StudioOptions
{
    public const string DefaultUrl = "http://127.0.0.1:5199";

    public required string WorkspaceRoot { get; init; }
    public required string PipelinesDirectory { get; init; }
    public required StepCatalog Catalog { get; init; }

    /// <summary>The run store; runs are shown as workflow instances. Missing store: no instances.</summary>
    public required string StorePath { get; init; }

    public IReadOnlyList<string> Urls { get; init; } = [DefaultUrl];

    /// <summary>Required whenever a URL is not loopback; sent by Studio as <c>Authorization: ApiKey ...</c>.</summary>
    public string? ApiKey { get; init; }

    /// <summary>Origins of a Studio hosted elsewhere that may call the API cross-origin; none by default.</summary>
    public IReadOnlyList<string> AllowedOrigins { get; init; } = [];

    /// <summary>The unpacked <c>@elsa-workflows/elsa-studio-wasm</c> package; null serves the API only.</summary>
    public string? AssetsDirectory { get; init; }

    public int MaxFileBytes { get; init; } = Pipelines.Engine.Yaml.YamlFileLoader.DefaultMaxBytes;

    /// <summary>How long to wait for the store when a run holds it.</summary>
    public TimeSpan StoreWait { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How requests reach the store: the service lends its open store; when null, the store at <see cref="StorePath"/>
    /// is opened per request.
    /// </summary>
    public StoreAccess? Store { get; init; }

    /// <summary>
    /// Starts a manual run of a pipeline (by definition id, the file's name) with the given params and returns its run
    /// id, when a service runs pipelines; Studio's Run button calls it. It throws what the service refuses with:
    /// <see cref="KeyNotFoundException"/> (no such pipeline), <see cref="ArgumentException"/> or
    /// <see cref="Pipelines.Engine.Diagnostics.PipelineValidationException"/> (the pipeline or the params are invalid),
    /// <see cref="InvalidOperationException"/> (the concurrency policy refused it).
    /// Null when Studio runs without a service: the button is then refused with 501.
    /// </summary>
    public Func<string, IReadOnlyDictionary<string, string>, string>? StartRun { get; init; }

    public StoreAccess StoreAccess => Store ?? StoreAccess.PerUse(StorePath, StoreWait);
}
