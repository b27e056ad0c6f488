using Pipelines.Cli;
using Pipelines.Engine.Events;
using Pipelines.Engine.Storage;
using Pipelines.Service.Scheduling;
using Pipelines.Service.Tests.Support;

namespace Pipelines.Service.Tests;

/// <summary>
/// The shipped pipelines under the service, as a user's workspace has them: toxicity trains the champion, drift-watch
/// checks it against the March 2023 banking stress, and the drift it finds starts retrain-on-drift by itself.
/// </summary>
public sealed class ShippedDriftChainTests : IAsyncLifetime
{
    private readonly TestWorkspace _workspace = new();
    private ServiceHost _service = null!;

    public async Task InitializeAsync()
    {
        var repository = RepositoryRoot();
        foreach (var name in (string[])["toxicity", "drift-watch", "retrain-on-drift"])
            _workspace.Write($"pipelines/{name}.yaml", File.ReadAllText(Path.Combine(repository, "pipelines", name + ".yaml")));
        Directory.CreateDirectory(Path.Combine(_workspace.Root, "samples"));
        File.Copy(Path.Combine(repository, "samples", "btcusdt-1m-2023-03-01-to-21.csv"),
            Path.Combine(_workspace.Root, "samples", "btcusdt-1m-2023-03-01-to-21.csv"));
        _service = ServiceHost.Build(new ServiceOptions
        {
            WorkspaceRoot = _workspace.Root,
            PipelinesDirectory = Path.Combine(_workspace.Root, "pipelines"),
            Catalog = StepCatalogFactory.Create(),
            StorePath = _workspace.StoreRoot,
            Urls = ["http://127.0.0.1:0"],
            GracePeriod = TimeSpan.FromSeconds(5),
        });
        await _service.StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _service.DisposeAsync();
        _workspace.Dispose();
    }

    [Fact]
    public async Task A_drift_found_by_drift_watch_starts_retrain_on_drift_by_itself()
    {
        var trained = _service.Dispatcher.Fire(Firing.Manual("toxicity", new Dictionary<string, string> { ["tune_trials"] = "1", ["iterations"] = "20" }));
        await WaitFor(trained.RunId!, TimeSpan.FromMinutes(4));

        var watched = _service.Dispatcher.Fire(Firing.Manual("drift-watch", new Dictionary<string, string>()));
        await WaitFor(watched.RunId!, TimeSpan.FromMinutes(2));
        var drift = Assert.Single(_service.Store.Events(new EventQuery(Type: "drift.detected")), e => e.RunId == watched.RunId);
        Assert.Equal("toxicity", drift.Model);

        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(4);
        RunRecord? retrain;
        while ((retrain = _service.Store.ListRuns(5, "retrain-on-drift").SingleOrDefault()) is not { Status: not RunStatus.Running })
        {
            Assert.True(DateTime.UtcNow < deadline, "retrain-on-drift did not start and finish after the drift event");
            await Task.Delay(200);
        }
        Assert.Equal(RunStatus.Succeeded, retrain.Status);
        var firing = new FiringLog(_service.Store).ForRun(retrain.RunId)!;
        Assert.Equal("event", firing.Kind);
        Assert.Equal(drift.Id, firing.EventId);
    }

    private async Task WaitFor(string runId, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (_service.Store.FindRun(runId) is not { Status: not RunStatus.Running } run)
        {
            Assert.True(DateTime.UtcNow < deadline, $"run {runId} did not finish within {limit}");
            await Task.Delay(200);
        }
        Assert.Equal(RunStatus.Succeeded, _service.Store.FindRun(runId)!.Status);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Pipelines.sln"))) return dir.FullName;
        throw new InvalidOperationException("Pipelines.sln not found above " + AppContext.BaseDirectory);
    }
}
