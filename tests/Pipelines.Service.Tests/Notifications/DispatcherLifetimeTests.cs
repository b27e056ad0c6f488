using Pipelines.Engine.Storage;
using Pipelines.Service.Tests.Notifications.Support;

namespace Pipelines.Service.Tests.Notifications;

/// <summary>
/// Started by the service, the notifier delivers on its own loops in real time; stopping it returns promptly even
/// while an endpoint hangs, and the abandoned attempt is left pending for the next start.
/// </summary>
public sealed class DispatcherLifetimeTests : IAsyncLifetime
{
    private readonly NotifierHarness _h = new()
    {
        Options = new()
        {
            RequestTimeout = TimeSpan.FromMinutes(5), MaxAttempts = 3, FirstRetryDelay = TimeSpan.FromSeconds(1),
            MaxRetryDelay = TimeSpan.FromSeconds(5), PollInterval = TimeSpan.FromMilliseconds(50),
        },
    };
    private HookReceiver _good = null!;
    private HookReceiver _hanging = null!;

    public async Task InitializeAsync()
    {
        _good = await HookReceiver.StartAsync();
        _hanging = await HookReceiver.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _good.DisposeAsync();
        await _hanging.DisposeAsync();
        _h.Dispose();
    }

    [Fact]
    public async Task A_started_notifier_delivers_new_events_by_itself_and_stops_promptly_beside_a_hanging_endpoint()
    {
        _hanging.Script.Enqueue(Answer.Hang);
        var notifier = _h.Dispatcher(_h.Configure(
            $"notify:\n  - webhook: {_good.Url("/good")}\n    events: [run.failed]\n  - webhook: {_hanging.Url("/hang")}\n    events: [run.failed]\n"),
            TimeProvider.System);
        await notifier.StartAsync(CancellationToken.None);

        var failed = _h.RunFailed();
        await _good.WaitForRequestsAsync(1);
        await _hanging.WaitForRequestsAsync(1);
        await NotifierHarness.EventuallyAsync(() => _h.IsDelivered(failed, notifier.Sinks[0].Name), "delivered by the loop");
        var second = _h.RunFailed("r2");
        await NotifierHarness.EventuallyAsync(() => _h.IsDelivered(second, notifier.Sinks[0].Name), "second delivered");

        await notifier.StopAsync().WaitAsync(TimeSpan.FromSeconds(20));

        var abandoned = _h.Delivery(failed, notifier.Sinks[1].Name);
        Assert.Equal((DeliveryStatus.Pending, 0, null), (abandoned.Status, abandoned.Attempts, abandoned.LastError));
        Assert.Equal(2, _good.Requests.Count);
    }
}
