using Pipelines.Engine.Diagnostics;
using Pipelines.Engine.Settings;
using Pipelines.Engine.Tests.Support;

namespace Pipelines.Engine.Tests.Settings;

/// <summary>
/// ml.yaml's notify: section is read into typed sinks, and every way of writing it wrong is refused with the
/// position of the offending text, before anything is sent.
/// </summary>
public sealed class NotifySettingsTests : IDisposable
{
    private readonly TestWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    private string Write(string yaml) => _workspace.Write(MlSettings.FileName, yaml);

    private Diagnostic Rejected(string yaml)
    {
        var file = Write(yaml);
        var error = Assert.Throws<PipelineValidationException>(() => Workspace.LoadSettings(file));
        var diagnostic = Assert.Single(error.Diagnostics);
        Assert.EndsWith(MlSettings.FileName, diagnostic.Location.File);
        return diagnostic;
    }

    private const string Documented = """
        notify:
          - webhook: https://hooks.example.org/pipelines?key=abc
            events: [run.failed, model.promoted, drift.detected]
            secret_env: PIPELINES_HOOK_SECRET
          - telegram: { token_env: TELEGRAM_TOKEN, chat_id: "-1001234", base_url: "http://127.0.0.1:9999" }
            events: [run.failed, model.promoted]

        """;

    [Fact]
    public void The_documented_notify_section_reads_into_a_webhook_and_a_telegram_sink()
    {
        var settings = Workspace.LoadSettings(Write(Documented));

        Assert.Equal(2, settings.Notify.Count);
        var webhook = settings.Notify[0];
        Assert.Equal("https://hooks.example.org/pipelines?key=abc", webhook.Webhook);
        Assert.Equal(["run.failed", "model.promoted", "drift.detected"], webhook.Events);
        Assert.Equal("PIPELINES_HOOK_SECRET", webhook.SecretEnv);
        Assert.Null(webhook.Telegram);
        var telegram = settings.Notify[1].Telegram!;
        Assert.Equal(("TELEGRAM_TOKEN", "-1001234", "http://127.0.0.1:9999"), (telegram.TokenEnv, telegram.ChatId, telegram.BaseUrl));
        Assert.Null(settings.Notify[1].Webhook);
    }

    [Fact]
    public void A_sink_is_named_by_its_destination_without_the_query_or_by_the_name_it_is_given()
    {
        var settings = Workspace.LoadSettings(Write(Documented + "  - webhook: http://localhost:8080/b\n    events: [run.failed]\n    name: ops\n"));

        Assert.Equal(["webhook:hooks.example.org/pipelines", "telegram:-1001234", "ops"], settings.Notify.Select(s => s.SinkName()));
    }

    [Fact]
    public void Without_a_notify_section_nothing_is_notified()
    {
        Assert.Empty(Workspace.LoadSettings(Write("store:\n  path: .pipelines\n")).Notify);
    }

    [Fact]
    public void A_secret_is_named_not_read_so_an_unset_variable_does_not_stop_the_workspace_loading()
    {
        var settings = Workspace.LoadSettings(Write(Documented.Replace("PIPELINES_HOOK_SECRET", "PIPELINES_TEST_SURELY_UNSET_" + Guid.NewGuid().ToString("N"))));

        Assert.StartsWith("PIPELINES_TEST_SURELY_UNSET_", settings.Notify[0].SecretEnv);
    }

    [Theory]
    [InlineData("notify:\n  - webhook: https://h.example/x\n    events: [run.failed]\n    secrt_env: S\n", 4, 5, DiagnosticCodes.UnknownInput, "unknown input 'secrt_env'")]
    [InlineData("notify:\n  - telegram: { token_env: T, chat_id: \"1\", baseurl: \"http://x\" }\n    events: [run.failed]\n", 2, 45, DiagnosticCodes.UnknownInput, "unknown input 'baseurl'")]
    [InlineData("notify:\n  - webhook: https://h.example/x\n", 2, 5, DiagnosticCodes.MissingInput, "required input 'events'")]
    [InlineData("notify:\n  - telegram: { chat_id: \"1\" }\n    events: [run.failed]\n", 2, 15, DiagnosticCodes.MissingInput, "required input 'token_env'")]
    public void Keys_that_binding_refuses_are_reported_where_they_are_written(string yaml, int line, int column, string code, string message)
    {
        var diagnostic = Rejected(yaml);

        Assert.Equal(code, diagnostic.Code);
        Assert.Contains(message, diagnostic.Message);
        Assert.Equal((line, column), (diagnostic.Location.Line, diagnostic.Location.Column));
    }

    [Theory]
    [InlineData("notify:\n  - webhook: https://h.example/x\n    telegram: { token_env: T, chat_id: \"1\" }\n    events: [run.failed]\n", 3, 5,
        "notify[0]: a sink is either a webhook or a telegram chat, not both")]
    [InlineData("store:\n  path: .pipelines\nnotify:\n  - events: [run.failed]\n", 4, 5, "notify[0]: a sink needs a destination")]
    [InlineData("notify:\n  - webhook: ftp://h.example/x\n    events: [run.failed]\n", 2, 14, "notify[0]: webhook 'ftp://h.example/x' is not an http or https URL")]
    [InlineData("notify:\n  - webhook: hooks/x\n    events: [run.failed]\n", 2, 14, "notify[0]: webhook 'hooks/x' is not an absolute URL")]
    [InlineData("notify:\n  - telegram: { token_env: T, chat_id: \"1\", base_url: \"file:///tmp/x\" }\n    events: [run.failed]\n", 2, 55,
        "notify[0]: telegram.base_url 'file:///tmp/x' is not an http or https URL")]
    [InlineData("notify:\n  - webhook: https://h.example/x\n    events: [run.failed, model.promotd]\n", 3, 26,
        "no step or engine publishes event type 'model.promotd'; did you mean 'model.promoted'?")]
    [InlineData("notify:\n  - webhook: https://h.example/x\n    events: []\n", 3, 13, "notify[0]: events is empty")]
    [InlineData("notify:\n  - webhook: https://h.example/x\n    events: [run.failed]\n    secret_env: \"\"\n", 4, 17,
        "notify[0]: secret_env names no environment variable")]
    [InlineData("notify:\n  - webhook: https://h.example/x\n    events: [run.failed]\n    secret_env: s3cr3t value!\n", 4, 17,
        "notify[0]: secret_env 's3cr3t value!' is not an environment variable name")]
    [InlineData("notify:\n  - telegram: { token_env: \"\", chat_id: \"1\" }\n    events: [run.failed]\n", 2, 28,
        "notify[0]: telegram.token_env names no environment variable")]
    [InlineData("notify:\n  - telegram: { token_env: T, chat_id: \"-1001234\" }\n    events: [run.failed]\n    secret_env: S\n", 4, 5,
        "notify[0]: secret_env signs webhook bodies")]
    [InlineData("notify:\n  - telegram: { token_env: T, chat_id: my-group }\n    events: [run.failed]\n", 2, 40,
        "notify[0]: telegram.chat_id 'my-group' is neither a chat id")]
    [InlineData("notify:\n  - webhook: https://h.example/x\n    events: [run.failed]\n  - webhook: https://h.example/x?other\n    events: [model.promoted]\n", 4, 5,
        "notify[1]: sink 'webhook:h.example/x' is already notify[0]")]
    public void Values_that_cannot_work_are_reported_where_they_are_written(string yaml, int line, int column, string message)
    {
        var diagnostic = Rejected(yaml);

        Assert.Contains(message, diagnostic.Message);
        Assert.Equal((line, column), (diagnostic.Location.Line, diagnostic.Location.Column));
    }
}
