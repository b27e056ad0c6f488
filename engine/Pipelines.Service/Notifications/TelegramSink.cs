using Pipelines.Engine.Events;
using Pipelines.Engine.Settings;
using Telegram.Bot;
using Telegram.Bot.Types;

namespace Pipelines.Service.Notifications;

/// <summary>
/// Sends each event to a Telegram chat as one plain-text line (<see cref="NotificationText"/>) through the Bot API's
/// <c>sendMessage</c>. The token is read from the environment for each attempt and scrubbed from any error recorded.
/// </summary>
public sealed class TelegramSink(NotifySink settings, HttpClient http) : INotificationSink
{
    private readonly TelegramTarget _target = settings.Telegram ?? throw new ArgumentException("not a telegram sink", nameof(settings));

    public string Name { get; } = settings.SinkName();

    public bool Receives(string eventType) => settings.Events.Contains(eventType);

    public async Task SendAsync(PipelineEvent stored, CancellationToken cancellation)
    {
        var token = SecretEnvironment.Read(_target.TokenEnv, "telegram.token_env");
        // The notifier owns retries and their backoff; the client's own wait-and-retry on 429 would sleep outside it.
        var client = new TelegramBotClient(new TelegramBotClientOptions(token, _target.BaseUrl) { RetryCount = 0 }, http, cancellation);
        var chat = long.TryParse(_target.ChatId, out var id) ? new ChatId(id) : new ChatId(_target.ChatId);
        try
        {
            await client.SendMessage(chat, NotificationText.For(stored), cancellationToken: cancellation);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A timeout or a stop shows as cancellation, whatever the client wrapped it in.
            cancellation.ThrowIfCancellationRequested();
            throw new NotificationException($"telegram: {Scrub(Describe(e), token)}");
        }
    }

    private static string Describe(Exception e) => e.InnerException is { } inner && inner.Message != e.Message ? $"{e.Message} ({inner.Message})" : e.Message;

    private static string Scrub(string text, string token) => text.Replace(token, "***", StringComparison.Ordinal);
}
