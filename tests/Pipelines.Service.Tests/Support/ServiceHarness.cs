using Microsoft.Extensions.Time.Testing;
using Pipelines.Cli;
using Pipelines.Engine.Catalog;
using Pipelines.Engine.Execution;
using Pipelines.Engine.Storage;
using Pipelines.Service.Scheduling;

namespace Pipelines.Service.Tests.Support;

/// <summary>
/// The service's dispatching parts over a real store in a temporary workspace, on a controlled clock, without the web
/// host or Quartz: what a test fires is what runs. <see cref="RestartAsync"/> closes the store and opens it again,
/// as a service restart does.
/// </summary>
public sealed class ServiceHarness : IAsyncDisposable
{
    public TestWorkspace Workspace { get; } = new();
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 1, 5, 10, 30, 0, TimeSpan.Zero));
    public StepCatalog Catalog { get; } = StepCatalogFactory.Create().Add(typeof(GateStep));
    public PipelineStore Store { get; private set; } = null!;
    public WorkspacePipelines Pipelines { get; private set; } = null!;
    public RunDispatcher Dispatcher { get; private set; } = null!;

    public ServiceHarness() => Open();

    private void Open()
    {
        Store = PipelineStore.Open(Workspace.StoreRoot, TimeSpan.FromSeconds(5));
        Pipelines = new WorkspacePipelines(Workspace.Root, Path.Combine(Workspace.Root, "pipelines"), Catalog, 1 << 20, Serilog.Core.Logger.None);
        Pipelines.Reload();
        // Forced: every run executes its steps, so a gate is waited at by each run rather than reused from the cache.
        Dispatcher = new RunDispatcher(Store, Pipelines, Catalog, new RunOptions { Force = true, MaxParallelism = 4 }, Workspace.Root, Clock, Serilog.Core.Logger.None);
    }

    /// <summary>Writes pipelines/NAME.yaml and reloads, as the service's file watcher would.</summary>
    public void WritePipeline(string name, string yaml)
    {
        Workspace.Write($"pipelines/{name}.yaml", yaml);
        Pipelines.Reload();
    }

    public EventDispatcher Events() => new(Store, Pipelines, Dispatcher, Clock, TimeSpan.FromMilliseconds(250), Serilog.Core.Logger.None);

    public TriggerScheduler Scheduler() => new(Pipelines, Dispatcher, Clock, Serilog.Core.Logger.None);

    public FiringLog Firings => Dispatcher.Firings;

    public async Task RestartAsync()
    {
        await Dispatcher.StopAsync(TimeSpan.Zero);
        Pipelines.Dispose();
        Store.Dispose();
        Open();
    }

    public async ValueTask DisposeAsync()
    {
        await Dispatcher.StopAsync(TimeSpan.Zero);
        Pipelines.Dispose();
        Store.Dispose();
        Workspace.Dispose();
    }
}
