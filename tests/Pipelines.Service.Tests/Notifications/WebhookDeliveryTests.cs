using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Pipelines.Engine.Events;
using Pipelines.Engine.Storage;
using Pipelines.Service.Notifications;
using Pipelines.Service.Tests.Notifications.Support;

namespace Pipelines.Service.Tests.Notifications;

/// <summary>
/// Webhooks get each subscribed event as a signed CloudEvent over real HTTP on loopback; failures are retried on a
/// backoff the controlled clock drives, and a notification that can never be delivered ends failed and visible.
/// </summary>
public sealed class WebhookDeliveryTests : IAsyncLifetime
{
    private readonly NotifierHarness _h = new();
    private HookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await HookReceiver.StartAsync();

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        _h.Dispose();
    }

    private string Sink(string path = "/hook") => $"webhook:{_receiver.BaseUrl.Authority}{path}";

    [Fact]
    public async Task A_subscribed_event_arrives_as_a_structured_CloudEvent_whose_signature_a_receiver_can_verify()
    {
        const string secret = "correct horse battery staple";
        var variable = _h.Secret(secret);
        var notifier = _h.Dispatcher(_h.Configure($"notify:\n  - webhook: {_receiver.Url("/hook")}\n    events: [run.failed]\n    secret_env: {variable}\n"));
        await notifier.RunOnceAsync();
        var failed = _h.RunFailed();
        var succeeded = _h.Publish("run.succeeded");

        await notifier.RunOnceAsync();

        var request = Assert.Single(_receiver.Requests);
        Assert.Equal("/hook", request.Path);
        Assert.Equal("application/cloudevents+json", request.ContentType);
        var cloudEvent = CloudEventMapping.FromStructuredJson(request.Body);
        Assert.Equal((failed.Id, "run.failed"), (cloudEvent.Id, cloudEvent.Type));
        Assert.Equal("train", ((JsonElement)cloudEvent.Data!).GetProperty("step").GetString());
        Assert.Equal("20260105-090000-abc123", cloudEvent[CloudEventMapping.RunIdAttribute]);
        // The receiver's own check: HMAC-SHA256 of the exact body with the shared secret, in hex after "sha256=".
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), request.Body));
        Assert.Equal(expected, request.Signature);
        var delivery = _h.Delivery(failed, Sink());
        Assert.Equal((DeliveryStatus.Delivered, 1, null), (delivery.Status, delivery.Attempts, delivery.LastError));
        Assert.Equal(_h.Time.GetUtcNow().UtcDateTime, delivery.DeliveredAt);
        Assert.Empty(_h.Deliveries.ForEvent(succeeded.Sequence));
    }

    [Fact]
    public async Task A_webhook_without_a_secret_gets_no_signature_header()
    {
        var notifier = _h.Dispatcher(_h.Configure($"notify:\n  - webhook: {_receiver.Url("/hook")}\n    events: [run.failed]\n"));
        await notifier.RunOnceAsync();
        _h.RunFailed();

        await notifier.RunOnceAsync();

        Assert.Null(Assert.Single(_receiver.Requests).Signature);
    }

    [Fact]
    public async Task An_unset_secret_fails_the_attempt_naming_the_variable_and_nothing_goes_out_unsigned()
    {
        var variable = "PIPELINES_TEST_UNSET_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var notifier = _h.Dispatcher(_h.Configure($"notify:\n  - webhook: {_receiver.Url("/hook")}\n    events: [run.failed]\n    secret_env: {variable}\n"));
        await notifier.RunOnceAsync();
        var failed = _h.RunFailed();

        await notifier.RunOnceAsync();

        Assert.Empty(_receiver.Requests);
        var delivery = _h.Delivery(failed, Sink());
        Assert.Equal((DeliveryStatus.Pending, 1), (delivery.Status, delivery.Attempts));
        Assert.Equal($"environment variable {variable} (secret_env) is not set", delivery.LastError);
    }

    [Fact]
    public async Task A_500_is_retried_after_its_backoff_and_then_delivered()
    {
        _receiver.Script.Enqueue(Answer.ServerError);
        var notifier = _h.Dispatcher(_h.Configure($"notify:\n  - webhook: {_receiver.Url("/hook")}\n    events: [run.failed]\n"));
        await notifier.RunOnceAsync();
        var failed = _h.RunFailed();

        await notifier.RunOnceAsync();

        var first = _h.Delivery(failed, Sink());
        Assert.Equal((DeliveryStatus.Pending, 1), (first.Status, first.Attempts));
        Assert.StartsWith("the webhook answered 500 Internal Server Error", first.LastError);
        // Equal jitter: the first retry waits between half and all of the first delay.
        var now = _h.Time.GetUtcNow().UtcDateTime;
        Assert.InRange(first.NextAttemptAt!.Value, now + _h.Options.FirstRetryDelay / 2, now + _h.Options.FirstRetryDelay);

        _h.Time.Advance(_h.Options.FirstRetryDelay / 2 - TimeSpan.FromSeconds(1));
        await notifier.RunOnceAsync();
        Assert.Single(_receiver.Requests);

        _h.Time.Advance(_h.Options.FirstRetryDelay / 2 + TimeSpan.FromSeconds(1));
        await notifier.RunOnceAsync();

        Assert.Equal([Answer.ServerError, Answer.Ok], _receiver.Requests.Select(r => r.Answer));
        Assert.Equal(_receiver.Requests[0].Body, _receiver.Requests[1].Body);
        var delivered = _h.Delivery(failed, Sink());
        Assert.Equal((DeliveryStatus.Delivered, 2), (delivered.Status, delivered.Attempts));
    }

    [Fact]
    public async Task A_hanging_webhook_times_out_and_is_retried_while_another_sink_delivers_and_the_store_stays_free()
    {
        await using var good = await HookReceiver.StartAsync();
        _receiver.Script.Enqueue(Answer.Hang);
        var notifier = _h.Dispatcher(_h.Configure(
            $"notify:\n  - webhook: {_receiver.Url("/hook")}\n    events: [run.failed]\n  - webhook: {good.Url("/good")}\n    events: [run.failed]\n"));
        await notifier.RunOnceAsync();
        var failed = _h.RunFailed();

        var round = notifier.RunOnceAsync();
        await _receiver.WaitForRequestsAsync(1);
        await good.WaitForRequestsAsync(1);
        var goodSink = $"webhook:{good.BaseUrl.Authority}/good";
        await NotifierHarness.EventuallyAsync(() => _h.IsDelivered(failed, goodSink), "the other sink delivered");
        Assert.False(round.IsCompleted, "the hanging attempt is still waiting for its timeout");
        // While the attempt waits on the network, runs can still publish and readers read.
        var published = await Task.Run(() => _h.Publish("run.started")).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(published.Id, _h.Store.Events(new Engine.Events.EventQuery(Limit: 1))[0].Id);

        _h.Time.Advance(_h.Options.RequestTimeout);
        await round.WaitAsync(TimeSpan.FromSeconds(20));

        var timedOut = _h.Delivery(failed, Sink());
        Assert.Equal((DeliveryStatus.Pending, 1, "no answer within 5s"), (timedOut.Status, timedOut.Attempts, timedOut.LastError));
        _h.Time.Advance(_h.Options.FirstRetryDelay);
        await notifier.RunOnceAsync();
        Assert.Equal([Answer.Hang, Answer.Ok], _receiver.Requests.Select(r => r.Answer));
        Assert.Equal((DeliveryStatus.Delivered, 2), (_h.Delivery(failed, Sink()).Status, _h.Delivery(failed, Sink()).Attempts));
        Assert.Single(good.Requests);
    }

    [Fact]
    public async Task A_webhook_that_is_down_fails_after_the_last_attempt_and_is_listed_by_the_cli()
    {
        var down = $"http://127.0.0.1:{NotifierHarness.ClosedPort()}/down";
        var notifier = _h.Dispatcher(_h.Configure(
            $"notify:\n  - webhook: {down}\n    events: [run.failed]\n  - webhook: {_receiver.Url("/hook")}\n    events: [run.failed]\n"));
        await notifier.RunOnceAsync();
        var failed = _h.RunFailed();
        var downSink = notifier.Sinks[0].Name;

        for (var attempt = 1; attempt <= _h.Options.MaxAttempts; attempt++)
        {
            await notifier.RunOnceAsync();
            var delivery = _h.Delivery(failed, downSink);
            Assert.Equal(attempt, delivery.Attempts);
            Assert.Equal(attempt < _h.Options.MaxAttempts ? DeliveryStatus.Pending : DeliveryStatus.Failed, delivery.Status);
            Assert.Contains("Connection refused", delivery.LastError);
            _h.Time.Advance(_h.Options.MaxRetryDelay);
        }
        await notifier.RunOnceAsync();
        Assert.Equal(_h.Options.MaxAttempts, _h.Delivery(failed, downSink).Attempts);
        Assert.Equal(DeliveryStatus.Delivered, _h.Delivery(failed, Sink()).Status);
        _h.CloseStore();

        var listed = await Cli("notifications", "--failed");
        Assert.Equal(0, listed.Code);
        var row = Assert.Single(listed.Output.Split('\n'), line => line.Contains("run.failed"));
        Assert.Contains(downSink, row);
        Assert.Contains("failed", row);
        Assert.Contains($" {_h.Options.MaxAttempts} ", row);
        Assert.Contains("Connection refused", row);
        var all = await Cli("notifications");
        Assert.Equal(2, all.Output.Split('\n').Count(line => line.Contains("run.failed")));
        Assert.Contains(Sink(), all.Output);
    }

    [Fact]
    public async Task A_restart_neither_sends_a_delivered_notification_again_nor_drops_one_and_keeps_the_backoff()
    {
        var sinks = _h.Configure($"notify:\n  - webhook: {_receiver.Url("/hook")}\n    events: [run.failed]\n");
        var before = _h.Dispatcher(sinks);
        await before.RunOnceAsync();
        var first = _h.RunFailed("r1");
        var second = _h.RunFailed("r2");
        await before.RunOnceAsync();
        _receiver.Script.Enqueue(Answer.ServerError);
        var retried = _h.RunFailed("r3");
        await before.RunOnceAsync();
        var unread = _h.RunFailed("r4");
        await before.DisposeAsync();

        _h.Reopen();
        var after = _h.Dispatcher(sinks);
        await after.RunOnceAsync();
        Assert.Equal([first.Id, second.Id, retried.Id, unread.Id], _receiver.Requests.Select(r => CloudEventMapping.FromStructuredJson(r.Body).Id));
        Assert.Equal(DeliveryStatus.Pending, _h.Delivery(retried, Sink()).Status);

        _h.Time.Advance(_h.Options.FirstRetryDelay);
        await after.RunOnceAsync();
        await after.RunOnceAsync();

        var delivered = _receiver.Requests.Where(r => r.Answer == Answer.Ok).Select(r => CloudEventMapping.FromStructuredJson(r.Body).Id).ToList();
        Assert.Equal([first.Id, second.Id, unread.Id, retried.Id], delivered);
        Assert.All(new[] { first, second, retried, unread }, e => Assert.Equal(DeliveryStatus.Delivered, _h.Delivery(e, Sink()).Status));
    }

    [Fact]
    public async Task A_store_that_never_had_a_notifier_is_notified_from_its_first_round_on_not_of_its_history()
    {
        var old = _h.RunFailed("old");
        var notifier = _h.Dispatcher(_h.Configure($"notify:\n  - webhook: {_receiver.Url("/hook")}\n    events: [run.failed]\n"));

        await notifier.RunOnceAsync();
        var fresh = _h.RunFailed("fresh");
        await notifier.RunOnceAsync();

        Assert.Equal([fresh.Id], _receiver.Requests.Select(r => CloudEventMapping.FromStructuredJson(r.Body).Id));
        Assert.Empty(_h.Deliveries.ForEvent(old.Sequence));
    }

    [Fact]
    public async Task Pending_notifications_of_a_sink_removed_from_ml_yaml_are_marked_failed_when_the_notifier_starts()
    {
        var removed = $"http://127.0.0.1:{NotifierHarness.ClosedPort()}/gone";
        var before = _h.Dispatcher(_h.Configure($"notify:\n  - webhook: {removed}\n    events: [run.failed]\n"));
        await before.RunOnceAsync();
        var failed = _h.RunFailed();
        await before.RunOnceAsync();
        var removedSink = before.Sinks[0].Name;
        Assert.Equal(DeliveryStatus.Pending, _h.Delivery(failed, removedSink).Status);

        await using var after = _h.Dispatcher(_h.Configure($"notify:\n  - webhook: {_receiver.Url("/hook")}\n    events: [run.failed]\n"));
        await after.StartAsync(CancellationToken.None);
        await after.StopAsync();

        var abandoned = _h.Delivery(failed, removedSink);
        Assert.Equal(DeliveryStatus.Failed, abandoned.Status);
        Assert.Equal("the sink is no longer in ml.yaml's notify:", abandoned.LastError);
    }

    private async Task<(int Code, string Output, string Error)> Cli(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await Pipelines.Cli.PipelinesCli.RunAsync(["-C", _h.Root, .. args], output, error, CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }
}
