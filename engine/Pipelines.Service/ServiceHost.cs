using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pipelines.Engine.Storage;
using Pipelines.Service.Api;
using Pipelines.Service.Cluster;
using Pipelines.Service.Notifications;
using Pipelines.Service.Scheduling;
using Pipelines.Studio;

namespace Pipelines.Service;

/// <summary>
/// <c>pipelines serve</c>: the one long-running host. It opens the store once and holds it for its whole life,
/// lending it to Studio's requests and to the API; beside Studio it runs the scheduler, the event dispatcher and the
/// run dispatcher, and it says where it listens in <c>service.json</c> so the CLI goes through it while it holds the
/// store. Build, map anything else onto <see cref="App"/> or <see cref="Api"/>, attach components with
/// <see cref="Attach"/>, then <see cref="StartAsync"/>; <see cref="StopAsync"/> stops firing, lets runs finish within
/// the grace period, and removes <c>service.json</c>.
/// </summary>
public sealed class ServiceHost : IAsyncDisposable
{
    public const string ApiPrefix = "/api/v1";

    private readonly ServiceOptions _options;
    private readonly List<(Func<CancellationToken, Task> Start, Func<CancellationToken, Task> Stop)> _components = [];
    private bool _started;
    private bool _stopped;

    private ServiceHost(ServiceOptions options, PipelineStore store, WebApplication app, RouteGroupBuilder api, WorkspacePipelines pipelines,
        RunDispatcher dispatcher, TriggerScheduler scheduler, EventDispatcher events)
    {
        _options = options;
        Store = store;
        App = app;
        Api = api;
        Pipelines = pipelines;
        Dispatcher = dispatcher;
        Scheduler = scheduler;
        Events = events;
    }

    /// <summary>The web application Studio built; map further endpoints onto it before <see cref="StartAsync"/>.</summary>
    public WebApplication App { get; }

    /// <summary>The <c>/api/v1</c> route group, with the API key check applied; map REST endpoints here.</summary>
    public RouteGroupBuilder Api { get; }

    /// <summary>The store, open for the service's life.</summary>
    public PipelineStore Store { get; }

    public WorkspacePipelines Pipelines { get; }
    public RunDispatcher Dispatcher { get; }
    public TriggerScheduler Scheduler { get; }

    /// <summary>The scheduler as the status page and metrics see it.</summary>
    public ITriggerSchedule Schedule => Scheduler;

    public EventDispatcher Events { get; }

    /// <summary>This service as a node of the cluster; null with the DuckDB store.</summary>
    public ClusterNode? Cluster { get; private init; }

    /// <summary>What <c>service.json</c> says, once listening.</summary>
    public ServiceRecord? Record { get; private set; }

    /// <summary>Opens the store (waiting up to <see cref="ServiceOptions.StoreWait"/>), builds Studio and maps the service's API.</summary>
    /// <exception cref="StoreLockedException">Another process holds the store.</exception>
    public static ServiceHost Build(ServiceOptions options, Action<ILoggingBuilder>? logging = null)
    {
        var store = options.Store is { } location ? PipelineStore.Open(location, options.StoreWait) : PipelineStore.Open(options.StorePath, options.StoreWait);
        try
        {
            var log = options.Log.ForContext("SourceContext", "service");
            var pipelines = new WorkspacePipelines(options.WorkspaceRoot, options.PipelinesDirectory, options.Catalog, options.MaxFileBytes, log);
            // Steps learn that the service runs them, so a long-running step may be told to run until the service stops.
            var runDefaults = options.RunDefaults with { StepSettings = options.RunDefaults.StepSettings with { Served = true } };
            var dispatcher = new RunDispatcher(store, pipelines, options.Catalog, runDefaults, options.WorkspaceRoot, options.Clock, log);
            // With the store in PostgreSQL the service is a node of the cluster: its runs' steps go to whichever nodes are free.
            var scheduler = new TriggerScheduler(pipelines, dispatcher, options.Clock, log);
            ClusterNode? cluster = null;
            if (store.Dialect.IsPostgres)
            {
                cluster = new ClusterNode(store, options.Catalog, options.WorkspaceRoot, runDefaults, options.Cluster with { FiresSchedules = true },
                    dispatcher.TriggerOfRun, log, scheduler.CreateFireJob);
                dispatcher.UseCluster(cluster);
                scheduler.UseCluster(cluster);
            }
            var events = new EventDispatcher(store, pipelines, dispatcher, options.Clock, options.EventPollInterval, log);
            // A finished run has published its run.* events: look for subscribers now rather than at the next poll.
            dispatcher.RunEnded += _ => events.Nudge();
            var shared = StoreAccess.Shared(store);
            var studio = new StudioOptions
            {
                WorkspaceRoot = options.WorkspaceRoot,
                PipelinesDirectory = options.PipelinesDirectory,
                Catalog = options.Catalog,
                StorePath = options.StorePath,
                Urls = options.Urls,
                ApiKey = options.ApiKey,
                AllowedOrigins = options.AllowedOrigins,
                AssetsDirectory = options.AssetsDirectory,
                MaxFileBytes = options.MaxFileBytes,
                Store = shared,
                StartRun = (name, parameters) => StartFromStudio(pipelines, dispatcher, name, parameters),
            };
            var app = StudioServer.Build(studio, logging, services: services =>
            {
                services.AddServiceApi();
                services.AddSingleton<ITriggerSchedule>(scheduler);
            });
            var api = app.MapGroup(ApiPrefix);
            api.AddEndpointFilter(async (context, next) =>
                ApiKeyRefusal(context.HttpContext, options.ApiKey) is { } status ? Results.StatusCode(status) : await next(context));
            var host = new ServiceHost(options, store, app, api, pipelines, dispatcher, scheduler, events) { Cluster = cluster };
            PipelineAndRunApi.Map(api, host);
            app.MapServiceApi(ServiceApiOptions.For(studio, shared, options.RegistryMaxVersions, scheduler, options.Clock, options.ClusterLivenessThreshold));
            if (options.Notify.Count > 0)
            {
                var http = new HttpClient();
                var notifier = new NotificationDispatcher(shared, options.Notify, http, options.Clock,
                    app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("notifications"));
                host.Attach(notifier.StartAsync, async _ =>
                {
                    await notifier.StopAsync().ConfigureAwait(false);
                    await notifier.DisposeAsync().ConfigureAwait(false);
                    http.Dispose();
                });
            }
            return host;
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <summary>Studio's Run button: a manual firing through the same dispatcher as the API's, refused the same way.</summary>
    private static string StartFromStudio(WorkspacePipelines pipelines, RunDispatcher dispatcher, string name, IReadOnlyDictionary<string, string> parameters)
    {
        var pipeline = pipelines.Find(name) ?? throw new KeyNotFoundException($"no pipeline named '{name}' in pipelines/");
        if (!pipeline.IsValid) throw new ArgumentException($"pipeline '{name}' does not validate:{Environment.NewLine}{string.Join(Environment.NewLine, pipeline.Errors)}");
        var outcome = dispatcher.Fire(Firing.Manual(name, parameters));
        return outcome.Decision == FiringDecision.Skipped
            ? throw new InvalidOperationException(outcome.Reason ?? "refused by the pipeline's concurrency policy")
            : outcome.RunId!;
    }

    /// <summary>
    /// Adds a component that starts after the scheduler and dispatchers and stops before them (notifiers, monitors).
    /// Call before <see cref="StartAsync"/>.
    /// </summary>
    public void Attach(Func<CancellationToken, Task> start, Func<CancellationToken, Task> stop) => _components.Add((start, stop));

    /// <summary>Listens, writes <c>service.json</c>, resumes what a crash interrupted, catches up and starts firing.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_started) throw new InvalidOperationException("the service has already been started");
        _started = true;
        Pipelines.Reload();
        Pipelines.Watch(TimeSpan.FromMilliseconds(300));
        await App.StartAsync(cancellationToken).ConfigureAwait(false);
        Record = new ServiceRecord(ClientUrl(Addresses), _options.ApiKey, Environment.ProcessId, Environment.MachineName, _options.Clock.GetUtcNow());
        Record.WriteTo(_options.StorePath);
        if (Cluster is not null) await Cluster.StartAsync(cancellationToken).ConfigureAwait(false);
        Dispatcher.Recover();
        await Scheduler.StartAsync(cancellationToken).ConfigureAwait(false);
        Events.Start();
        foreach (var component in _components) await component.Start(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The addresses Kestrel bound (port 0 resolved).</summary>
    public IReadOnlyList<string> Addresses =>
        App.Services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];

    /// <summary>
    /// Stops firing (scheduler, events), lets running runs go on for the grace period and then cancels them, stops
    /// listening and removes <c>service.json</c>. The API keeps answering while runs finish, so followers see the end.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (!_started || _stopped) return;
        _stopped = true;
        try
        {
            for (var i = _components.Count - 1; i >= 0; i--) await _components[i].Stop(cancellationToken).ConfigureAwait(false);
            await Scheduler.StopAsync().ConfigureAwait(false);
            await Events.StopAsync().ConfigureAwait(false);
            Pipelines.Dispose();
            await Dispatcher.StopAsync(_options.GracePeriod).ConfigureAwait(false);
            if (Cluster is not null) await Cluster.DrainAsync().ConfigureAwait(false);
            await App.StopAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ServiceRecord.RemoveOwn(_options.StorePath);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        await Scheduler.DisposeAsync().ConfigureAwait(false);
        await Events.DisposeAsync().ConfigureAwait(false);
        if (Cluster is not null) await Cluster.DisposeAsync().ConfigureAwait(false);
        Pipelines.Dispose();
        await App.DisposeAsync().ConfigureAwait(false);
        Store.Dispose();
    }

    /// <summary>Null when the request may proceed; 401 when a key is set and the request does not carry it.</summary>
    internal static int? ApiKeyRefusal(HttpContext context, string? apiKey)
    {
        if (string.IsNullOrEmpty(apiKey)) return null;
        const string scheme = "ApiKey ";
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) return StatusCodes.Status401Unauthorized;
        var given = Encoding.UTF8.GetBytes(header[scheme.Length..].Trim());
        return CryptographicOperations.FixedTimeEquals(given, Encoding.UTF8.GetBytes(apiKey)) ? null : StatusCodes.Status401Unauthorized;
    }

    /// <summary>The bound address a client on this machine uses: a wildcard host becomes loopback.</summary>
    internal static string ClientUrl(IReadOnlyList<string> addresses)
    {
        var address = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) ?? addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("the service bound no address");
        var uri = new Uri(address.Replace("://+", "://0.0.0.0").Replace("://*", "://0.0.0.0"));
        var host = uri.Host is "0.0.0.0" or "[::]" or "::" ? "127.0.0.1" : uri.Host;
        return new UriBuilder(uri.Scheme, host, uri.Port).Uri.ToString().TrimEnd('/');
    }
}
