using Pipelines.Abstractions;

namespace Pipelines.Engine.Settings;

/// <summary>A Telegram chat that notifications go to, through a bot whose token is in the environment.</summary>
public sealed record TelegramTarget
{
    [Input("Environment variable holding the bot's token (from @BotFather).", Example = "TELEGRAM_TOKEN")]
    public required string TokenEnv { get; init; }

    [Input("The chat's id (a group's is negative, e.g. \"-1001234\") or a channel's @username.", Example = "-1001234")]
    public required string ChatId { get; init; }

    [Input("The Bot API server; Telegram's own when absent. A self-hosted server, or a fake one in tests.")]
    public string? BaseUrl { get; init; }
}
