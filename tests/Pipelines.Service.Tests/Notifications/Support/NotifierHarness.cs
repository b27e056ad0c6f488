using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Pipelines.Engine.Events;
using Pipelines.Engine.Settings;
using Pipelines.Engine.Storage;
using Pipelines.Service.Notifications;

namespace Pipelines.Service.Tests.Notifications.Support;

/// <summary>
/// A workspace with ml.yaml and a real store, a controlled clock, and notifiers built from ml.yaml's notify: section
/// as the service builds them. Secrets go into uniquely named environment variables, removed afterwards.
/// </summary>
public sealed class NotifierHarness : IDisposable
{
    private readonly List<string> _variables = [];

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "pipelines-tests", "notify-" + Guid.NewGuid().ToString("N")[..12]);
    public string StoreRoot => Path.Combine(Root, ".pipelines");
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero));
    public HttpClient Http { get; } = new();
    public PipelineStore Store { get; private set; }

    public NotificationOptions Options { get; init; } = new()
    {
        RequestTimeout = TimeSpan.FromSeconds(5),
        MaxAttempts = 3,
        FirstRetryDelay = TimeSpan.FromSeconds(10),
        MaxRetryDelay = TimeSpan.FromMinutes(1),
        PollInterval = TimeSpan.FromMilliseconds(50),
    };

    public NotifierHarness()
    {
        Directory.CreateDirectory(Root);
        File.WriteAllText(Path.Combine(Root, MlSettings.FileName), "store:\n  path: .pipelines\n  lock_timeout: 5s\n");
        Store = PipelineStore.Open(StoreRoot, TimeSpan.FromSeconds(5));
    }

    /// <summary>Writes ml.yaml with this notify: section (and the store) and reads it back as the service would.</summary>
    public IReadOnlyList<NotifySink> Configure(string notifyYaml)
    {
        var file = Path.Combine(Root, MlSettings.FileName);
        File.WriteAllText(file, "store:\n  path: .pipelines\n  lock_timeout: 5s\n" + notifyYaml);
        return Workspace.LoadSettings(file).Notify;
    }

    /// <summary>A fresh environment variable holding <paramref name="value"/>; its name.</summary>
    public string Secret(string value)
    {
        var name = "PIPELINES_TEST_SECRET_" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();
        Environment.SetEnvironmentVariable(name, value);
        _variables.Add(name);
        return name;
    }

    public NotificationDispatcher Dispatcher(IReadOnlyList<NotifySink> sinks, TimeProvider? time = null) =>
        new(StoreAccess.Shared(Store), sinks, Http, time ?? Time, NullLogger.Instance, Options);

    public PipelineEvent RunFailed(string runId = "20260105-090000-abc123", string step = "train", string error = "LightGBM: label column has NaN") =>
        Store.PublishEvent(new EventDraft("run.failed", $"/pipelines/toxicity/runs/{runId}", Pipeline: "toxicity", RunId: runId,
            PayloadJson: $$"""{"pipeline":"toxicity","run_id":"{{runId}}","step":"{{step}}","error":"{{error}}"}"""));

    public PipelineEvent Publish(string type, string payloadJson = "{}", string? model = null) =>
        Store.PublishEvent(new EventDraft(type, "/pipelines/toxicity/runs/r1/steps/s1", Pipeline: "toxicity", RunId: "r1", StepId: "s1",
            Model: model, PayloadJson: payloadJson));

    public NotificationDeliveries Deliveries => new(Store);

    public NotificationDelivery Delivery(PipelineEvent stored, string sink) => Deliveries.ForEvent(stored.Sequence).Single(d => d.Sink == sink);

    /// <summary>Whether the event's delivery to the sink is recorded as delivered (false while it is not even recorded).</summary>
    public bool IsDelivered(PipelineEvent stored, string sink) =>
        Deliveries.ForEvent(stored.Sequence).Any(d => d.Sink == sink && d.Status == DeliveryStatus.Delivered);

    /// <summary>Closes the store and opens it again, as a restarted service does.</summary>
    public void Reopen()
    {
        Store.Dispose();
        Store = PipelineStore.Open(StoreRoot, TimeSpan.FromSeconds(5));
    }

    public void CloseStore() => Store.Dispose();

    /// <summary>A loopback port nothing listens on: connections to it are refused at once.</summary>
    public static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Polls <paramref name="condition"/> until it holds, within a generous bound.</summary>
    public static async Task EventuallyAsync(Func<bool> condition, string what, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(20));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"still not true: {what}");
            await Task.Delay(20);
        }
    }

    public void Dispose()
    {
        Store.Dispose();
        Http.Dispose();
        foreach (var variable in _variables) Environment.SetEnvironmentVariable(variable, null);
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
