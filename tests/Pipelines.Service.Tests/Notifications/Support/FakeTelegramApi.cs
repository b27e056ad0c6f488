using System.Text.Json;

namespace Pipelines.Service.Tests.Notifications.Support;

/// <summary>
/// The Bot API's <c>sendMessage</c> on loopback: a <see cref="HookReceiver"/> that answers as Telegram does, with the
/// sent Message, so the real Telegram.Bot client talks to it unchanged.
/// </summary>
public static class FakeTelegramApi
{
    public static Task<HookReceiver> StartAsync() => HookReceiver.StartAsync(request =>
    {
        var sent = Read(request);
        return JsonSerializer.Serialize(new
        {
            ok = true,
            result = new { message_id = 1, date = 1767603600, chat = new { id = long.Parse(sent.ChatId), type = "supergroup" }, text = sent.Text },
        });
    });

    /// <summary>The chat and text of a sendMessage request, whatever JSON shape the client gave the chat id.</summary>
    public static (string ChatId, string Text) Read(ReceivedRequest request)
    {
        using var json = JsonDocument.Parse(request.Body);
        var chat = json.RootElement.GetProperty("chat_id");
        return (chat.ValueKind == JsonValueKind.Number ? chat.GetRawText() : chat.GetString()!, json.RootElement.GetProperty("text").GetString()!);
    }
}
