using Pipelines.Engine.Storage;
using Pipelines.Service.Tests.Notifications.Support;

namespace Pipelines.Service.Tests.Notifications;

/// <summary>
/// Telegram notifications go through the real Telegram.Bot client to a loopback fake of the Bot API, say what
/// happened in words, retry like webhooks, and never record the bot's token.
/// </summary>
public sealed class TelegramDeliveryTests : IAsyncLifetime
{
    private const string Token = "123456:TEST-token-for-the-fake-api";
    private readonly NotifierHarness _h = new();
    private HookReceiver _telegram = null!;

    public async Task InitializeAsync() => _telegram = await FakeTelegramApi.StartAsync();

    public async Task DisposeAsync()
    {
        await _telegram.DisposeAsync();
        _h.Dispose();
    }

    private string Configure(string events = "[run.failed, model.promoted]") =>
        $"notify:\n  - telegram: {{ token_env: {_h.Secret(Token)}, chat_id: \"-1001234\", base_url: \"{_telegram.BaseUrl}\" }}\n    events: {events}\n";

    [Fact]
    public async Task A_failed_run_reaches_the_chat_naming_pipeline_run_step_and_error()
    {
        var notifier = _h.Dispatcher(_h.Configure(Configure()));
        await notifier.RunOnceAsync();
        var failed = _h.RunFailed("20260105-090000-abc123", "train", "LightGBM: label column has NaN");

        await notifier.RunOnceAsync();

        var request = Assert.Single(_telegram.Requests);
        Assert.Equal($"/bot{Token}/sendMessage", request.Path);
        var (chat, text) = FakeTelegramApi.Read(request);
        Assert.Equal("-1001234", chat);
        Assert.Equal("Run failed: pipeline toxicity, run 20260105-090000-abc123; step 'train' failed: LightGBM: label column has NaN", text);
        Assert.Equal(DeliveryStatus.Delivered, _h.Delivery(failed, "telegram:-1001234").Status);
    }

    [Fact]
    public async Task A_promotion_reaches_the_chat_naming_the_versions_and_the_reason()
    {
        var notifier = _h.Dispatcher(_h.Configure(Configure()));
        await notifier.RunOnceAsync();
        _h.Publish("model.promoted", """{"model":"toxicity","version":7,"previous_version":6,"alias":"champion","reason":"AUC 0.71 beats 0.68"}""", "toxicity");

        await notifier.RunOnceAsync();

        Assert.Equal("Model promoted: toxicity v7 is now champion (previously v6). Reason: AUC 0.71 beats 0.68",
            FakeTelegramApi.Read(Assert.Single(_telegram.Requests)).Text);
    }

    [Fact]
    public async Task A_bot_api_error_is_retried_and_the_recorded_error_never_holds_the_token()
    {
        _telegram.Script.Enqueue(Answer.ServerError);
        var notifier = _h.Dispatcher(_h.Configure(Configure()));
        await notifier.RunOnceAsync();
        var failed = _h.RunFailed();

        await notifier.RunOnceAsync();
        var first = _h.Delivery(failed, "telegram:-1001234");
        _h.Time.Advance(_h.Options.FirstRetryDelay);
        await notifier.RunOnceAsync();

        Assert.Equal((DeliveryStatus.Pending, 1), (first.Status, first.Attempts));
        Assert.Contains("Internal Server Error: the receiver failed", first.LastError);
        Assert.DoesNotContain("TEST-token", first.LastError);
        Assert.Equal([Answer.ServerError, Answer.Ok], _telegram.Requests.Select(r => r.Answer));
        Assert.Equal(DeliveryStatus.Delivered, _h.Delivery(failed, "telegram:-1001234").Status);
    }

    [Fact]
    public async Task Event_types_a_chat_did_not_ask_for_are_not_sent_to_it()
    {
        var notifier = _h.Dispatcher(_h.Configure(Configure("[model.promoted]")));
        await notifier.RunOnceAsync();
        var failed = _h.RunFailed();

        await notifier.RunOnceAsync();

        Assert.Empty(_telegram.Requests);
        Assert.Empty(_h.Deliveries.ForEvent(failed.Sequence));
    }
}
