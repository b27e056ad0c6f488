using System.Text.RegularExpressions;
using Pipelines.Engine.Diagnostics;
using Pipelines.Engine.Triggers;
using Pipelines.Engine.Yaml;

namespace Pipelines.Engine.Settings;

/// <summary>
/// What binding cannot see in <c>notify:</c>: each sink names exactly one destination, URLs are http(s), event
/// types are ones something publishes, secrets are named by a usable environment variable name, and no two sinks
/// share a name (deliveries are recorded per sink name). Each problem is reported where it is written.
/// </summary>
internal static partial class NotifyCheck
{
    public const string Section = "notify";

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex EnvironmentVariableName();

    [GeneratedRegex("^(-?[0-9]+|@[A-Za-z][A-Za-z0-9_]{3,})$")]
    private static partial Regex ChatIdShape();

    public static void Check(IReadOnlyList<NotifySink> sinks, YamlMapping root, List<Diagnostic> diagnostics)
    {
        if (root.Get(Section) is not YamlSequence section) return;
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < sinks.Count && i < section.Items.Count; i++)
        {
            if (section.Items[i] is not YamlMapping node) continue;
            var sink = sinks[i];
            var where = $"{Section}[{i}]";
            void Report(YamlNode? at, string code, string message, string? offending = null) =>
                diagnostics.Add(new Diagnostic((at ?? node).Location, code, $"{where}: {message}", offending));

            switch (sink.Webhook, sink.Telegram)
            {
                case (not null, not null):
                    Report(node.GetKey("telegram"), DiagnosticCodes.InvalidValue, "a sink is either a webhook or a telegram chat, not both; write two sinks");
                    break;
                case (null, null):
                    Report(node, DiagnosticCodes.MissingKey, "a sink needs a destination: 'webhook: URL' or 'telegram: { token_env, chat_id }'");
                    break;
            }
            if (sink.Webhook is { } url && HttpUrlProblem(url) is { } urlProblem)
                Report(node.Get("webhook"), DiagnosticCodes.InvalidValue, $"webhook {urlProblem}", url);
            if (sink.SecretEnv is { } secret)
            {
                if (sink.Webhook is null)
                    Report(node.GetKey("secret_env"), DiagnosticCodes.InvalidValue, "secret_env signs webhook bodies; a telegram sink's secret is telegram.token_env");
                else CheckVariableName(secret, "secret_env", node.Get("secret_env"), Report);
            }
            if (sink.Telegram is { } telegram)
            {
                var telegramNode = node.Get("telegram") as YamlMapping;
                CheckVariableName(telegram.TokenEnv, "telegram.token_env", telegramNode?.Get("token_env"), Report);
                if (!ChatIdShape().IsMatch(telegram.ChatId))
                    Report(telegramNode?.Get("chat_id"), DiagnosticCodes.InvalidValue,
                        $"telegram.chat_id '{telegram.ChatId}' is neither a chat id (a number, negative for groups) nor a channel's @username", telegram.ChatId);
                if (telegram.BaseUrl is { } baseUrl && HttpUrlProblem(baseUrl) is { } baseProblem)
                    Report(telegramNode?.Get("base_url"), DiagnosticCodes.InvalidValue, $"telegram.base_url {baseProblem}", baseUrl);
            }
            CheckEvents(sink.Events, node.Get("events"), Report);
            if (sink.Webhook is not null || sink.Telegram is not null)
            {
                var name = sink.SinkName();
                if (names.TryGetValue(name, out var first))
                    Report((YamlNode?)node.GetKey("name") ?? node, DiagnosticCodes.InvalidValue,
                        $"sink '{name}' is already notify[{first}]; merge their events, or tell them apart with 'name:'", name);
                else names[name] = i;
            }
        }
    }

    private static void CheckEvents(List<string> events, YamlNode? node, Action<YamlNode?, string, string, string?> report)
    {
        if (events.Count == 0)
        {
            report(node, DiagnosticCodes.InvalidValue, "events is empty: list the event types this sink receives, e.g. [run.failed]", null);
            return;
        }
        var items = (node as YamlSequence)?.Items;
        for (var i = 0; i < events.Count; i++)
        {
            if (EventCatalog.Find(events[i]) is not null) continue;
            var at = items is not null && i < items.Count ? items[i] : node;
            report(at, DiagnosticCodes.InvalidValue,
                $"no step or engine publishes event type '{events[i]}'; did you mean '{EventCatalog.Nearest(events[i])}'?", events[i]);
        }
    }

    private static void CheckVariableName(string name, string key, YamlNode? node, Action<YamlNode?, string, string, string?> report)
    {
        if (string.IsNullOrWhiteSpace(name))
            report(node, DiagnosticCodes.MissingInput, $"{key} names no environment variable; write the variable's name, e.g. PIPELINES_HOOK_SECRET", null);
        else if (!EnvironmentVariableName().IsMatch(name))
            report(node, DiagnosticCodes.InvalidValue,
                $"{key} '{name}' is not an environment variable name (letters, digits and '_'); write the variable's name, not the secret", name);
    }

    private static string? HttpUrlProblem(string url) =>
        !Uri.TryCreate(url, UriKind.Absolute, out var uri) ? $"'{url}' is not an absolute URL"
        : uri.Scheme is not ("http" or "https") ? $"'{url}' is not an http or https URL"
        : null;
}
