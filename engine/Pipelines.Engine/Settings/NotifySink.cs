using Pipelines.Abstractions;

namespace Pipelines.Engine.Settings;

/// <summary>
/// One entry of ml.yaml's <c>notify:</c> list: where events of the listed types are delivered. Exactly one of
/// <see cref="Webhook"/> and <see cref="Telegram"/> names the destination; secrets are named by their environment
/// variable, never written in the file, and read only when a notification is sent.
/// </summary>
public sealed record NotifySink
{
    [Input("An http(s) URL that receives each event as a CloudEvent (structured JSON mode) by POST.", Example = "https://hooks.example.org/pipelines")]
    public string? Webhook { get; init; }

    [Input("A Telegram chat that receives a line saying what happened and what was decided.")]
    public TelegramTarget? Telegram { get; init; }

    [Input("Event types delivered to this sink, from the event catalogue.", Example = "[run.failed, model.promoted]")]
    public required List<string> Events { get; init; }

    [Input("Environment variable holding the webhook's HMAC-SHA256 key; the body's signature goes in X-Pipelines-Signature.",
        Example = "PIPELINES_HOOK_SECRET")]
    public string? SecretEnv { get; init; }

    [Input("How deliveries to this sink are listed; by default webhook:HOST/PATH or telegram:CHAT_ID.")]
    public string? Name { get; init; }

    /// <summary>The sink's name in the deliveries table and in logs: unique within ml.yaml, and free of secrets.</summary>
    public string SinkName()
    {
        if (Name is { Length: > 0 } name) return name;
        if (Telegram is { } telegram) return $"telegram:{telegram.ChatId}";
        // Scheme, authority and path, without the query: hook URLs sometimes carry a token there.
        return Uri.TryCreate(Webhook, UriKind.Absolute, out var uri) ? $"webhook:{uri.Authority}{uri.AbsolutePath}" : $"webhook:{Webhook}";
    }
}
