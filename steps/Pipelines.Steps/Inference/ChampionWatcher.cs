using Pipelines.Abstractions;
using Pipelines.Steps.Train;
using Serilog;

namespace Pipelines.Steps.Inference;

/// <summary>
/// Follows a registry alias while the tick loop runs: on a new version it loads the model file (hash-checked through
/// the context), checks that its features are the loop's, compiles it off the hot thread and publishes it to the
/// loop, which picks it up between two ticks. A version whose file is unreadable or whose features differ is counted,
/// logged once and passed over; the current model keeps scoring. An ensemble's member files are found by hash with
/// <paramref name="findArtifact"/> and opened hash-checked as the version's own file is.
/// </summary>
public sealed class ChampionWatcher(IModelRegistry registry, Func<Artifact, string> openArtifact, string model, string alias, ILogger log,
    Func<string, Artifact?>? findArtifact = null)
{
    private int _lastSeenVersion;

    /// <summary>Versions published to the loop after the first.</summary>
    public int Swaps { get; private set; }

    /// <summary>Versions passed over because their features differ from the loop's.</summary>
    public int FeatureMismatches { get; private set; }

    /// <summary>Versions passed over because their file could not be loaded or compiled.</summary>
    public int LoadFailures { get; private set; }

    /// <summary>Loads the version the alias names now; null when the alias names nothing.</summary>
    public LoadedModel? LoadCurrent()
    {
        var version = registry.Find(model, alias);
        if (version is null) return null;
        _lastSeenVersion = version.Version;
        return Load(version);
    }

    /// <summary>Loads and compiles one registered version; throws on an altered or unreadable file.</summary>
    public LoadedModel Load(ModelVersion version)
    {
        var path = openArtifact(version.Model);
        return LoadedModel.Load(version.Name, version.Version, path, findArtifact is null ? null : ModelLoading.MemberFiles(openArtifact, findArtifact));
    }

    /// <summary>Polls every <paramref name="period"/> until cancelled.</summary>
    public async Task WatchAsync(TickInferenceLoop loop, TimeSpan period, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(period);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    Poll(loop);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The registry was unreachable this time; the loop goes on and the next poll tries again.
                    log.Warning(e, "Checking model {Model} ('{Alias}') for a new version failed", model, alias);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The loop is over; so is the watch.
        }
    }

    /// <summary>Checks the alias once and publishes a new version to <paramref name="loop"/> if it passes.</summary>
    public void Poll(TickInferenceLoop loop)
    {
        var version = registry.Find(model, alias);
        if (version is null || version.Version == _lastSeenVersion) return;
        _lastSeenVersion = version.Version;
        LoadedModel candidate;
        try
        {
            candidate = Load(version);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Whatever stops a candidate loading (an altered file, a malformed model, a failed compile) must not stop
            // the loop that is scoring with the current one.
            LoadFailures++;
            log.Error(e, "Model {Model} v{Version} ('{Alias}') could not be loaded; v{Current} keeps scoring", model, version.Version, alias, loop.Model.Version);
            return;
        }
        try
        {
            loop.Publish(candidate);
        }
        catch (ArgumentException e)
        {
            FeatureMismatches++;
            log.Error("Model {Model} v{Version} ('{Alias}') was not swapped in: {Reason}; v{Current} keeps scoring", model, version.Version, alias, e.Message, loop.Model.Version);
            return;
        }
        Swaps++;
        log.Information("Model {Model} v{Version} ('{Alias}') now scores the ticks", model, version.Version, alias);
    }
}
