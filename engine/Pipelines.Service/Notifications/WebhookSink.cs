using System.Net.Http.Headers;
using Pipelines.Engine.Events;
using Pipelines.Engine.Settings;

namespace Pipelines.Service.Notifications;

/// <summary>
/// POSTs each event as one CloudEvent in structured JSON mode (<c>application/cloudevents+json</c>), signed when
/// <c>secret_env</c> is set. Any 2xx answer delivers it; anything else, or no answer, is a failed attempt.
/// </summary>
public sealed class WebhookSink(NotifySink settings, HttpClient http) : INotificationSink
{
    private static readonly MediaTypeHeaderValue ContentType = new(CloudEventMapping.StructuredContentType);
    private readonly Uri _url = new(settings.Webhook ?? throw new ArgumentException("not a webhook sink", nameof(settings)));

    public string Name { get; } = settings.SinkName();

    public bool Receives(string eventType) => settings.Events.Contains(eventType);

    public async Task SendAsync(PipelineEvent stored, CancellationToken cancellation)
    {
        var body = CloudEventMapping.ToStructuredJson(stored);
        using var request = new HttpRequestMessage(HttpMethod.Post, _url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = ContentType;
        if (settings.SecretEnv is { } variable)
            request.Headers.Add(WebhookSignature.Header, WebhookSignature.Sign(body, SecretEnvironment.Read(variable, "secret_env")));
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellation);
        if (response.IsSuccessStatusCode) return;
        var text = await response.Content.ReadAsStringAsync(cancellation);
        throw new NotificationException($"the webhook answered {(int)response.StatusCode} {response.ReasonPhrase}" +
                                        (string.IsNullOrWhiteSpace(text) ? "" : $": {Shorten(text.Trim(), 200)}"));
    }

    private static string Shorten(string text, int length) => text.Length <= length ? text : text[..length] + "…";
}
