using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Pipelines.Cli;

namespace Pipelines.Studio.Tests;

public sealed class StudioApiTests : IAsyncLifetime
{
    private const string Key = "k-0123456789abcdef";
    private readonly TemporaryWorkspace _workspace = new();
    private WebApplication _app = null!;
    private HttpClient _client = null!;
    private string _address = "";

    private StudioOptions Options(string? apiKey = null, params string[] urls) => new()
    {
        WorkspaceRoot = _workspace.Root,
        PipelinesDirectory = _workspace.Pipelines,
        Catalog = StepCatalogFactory.Create(),
        StorePath = Path.Combine(_workspace.Root, ".pipelines"),
        Urls = urls.Length == 0 ? ["http://127.0.0.1:0"] : urls,
        ApiKey = apiKey,
    };

    public async Task InitializeAsync()
    {
        _app = StudioServer.Build(Options());
        await _app.StartAsync();
        _address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        _client = new HttpClient { BaseAddress = new Uri(_address + "/elsa/api/") };
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
        _workspace.Dispose();
    }

    private string Shipped => Path.GetFileNameWithoutExtension(Repository.ShippedPipelines().First());

    private async Task<JsonObject> GetJson(string path)
    {
        var response = await _client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    private Task<HttpResponseMessage> Post(string path, JsonNode body) =>
        _client.PostAsync(path, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));

    [Fact]
    public async Task The_list_shows_every_pipeline_file()
    {
        var list = await GetJson("workflow-definitions?versionOptions=Latest&Page=0&PageSize=50");
        var ids = list["items"]!.AsArray().Select(i => i!["definitionId"]!.GetValue<string>());
        Assert.Equal(Repository.ShippedPipelines().Select(Path.GetFileNameWithoutExtension), ids);
        Assert.Equal(Repository.ShippedPipelines().Count(), list["totalCount"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_definition_opens_editable_with_a_publish_link()
    {
        var definition = await GetJson($"workflow-definitions/by-definition-id/{Shipped}?versionOptions=Latest");
        Assert.True(definition["isLatest"]!.GetValue<bool>());
        Assert.Contains(definition["links"]!.AsArray(), l => l!["rel"]!.GetValue<string>() == "publish");
        var byId = await GetJson($"workflow-definitions/by-id/{definition["id"]}");
        Assert.Equal(definition["id"]!.ToString(), byId["id"]!.ToString());
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("workflow-definitions/by-definition-id/no-such-pipeline")).StatusCode);
    }

    [Fact]
    public async Task Descriptors_and_the_lists_studio_loads_answer()
    {
        var descriptors = await GetJson("descriptors/activities?Refresh=True");
        Assert.Equal(StepCatalogFactory.Create().All.Count() + 4, descriptors["count"]!.GetValue<int>());
        var expressions = await GetJson("descriptors/expression-descriptors");
        Assert.Contains(expressions["items"]!.AsArray(), e => e!["type"]!.GetValue<string>() == "Literal");
        foreach (var path in new[] { "descriptors/workflow-activation-strategies", "descriptors/variables", "descriptors/storage-drivers", "features/installed", "descriptors/incident-strategies" })
            Assert.NotNull((await GetJson(path))["items"]);
        Assert.NotNull((await GetJson("package/version"))["packageVersion"]);
    }

    [Fact]
    public async Task An_autosave_rewrites_the_yaml_canonically_with_only_the_edit()
    {
        var file = Path.Combine(_workspace.Pipelines, Shipped + ".yaml");
        var before = File.ReadAllText(file);
        var definition = await GetJson($"workflow-definitions/by-definition-id/{Shipped}");
        var activity = definition["root"]!["activities"]!.AsArray().First(a => a!["type"]!.GetValue<string>() == "Pipelines.Transform.Sql")!;
        activity["sql"]!["expression"]!["value"] = "SELECT 42 AS answer";
        var response = await Post("workflow-definitions", new JsonObject { ["model"] = definition, ["publish"] = false });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Empty(body["validationErrors"]!.AsArray());

        var after = File.ReadAllText(file);
        Assert.Equal(ReplaceSqlBlock(before, activity["id"]!.GetValue<string>(), "SELECT 42 AS answer"), after);
        Assert.False(File.Exists(DesignerLayout.SidecarPath(file)));
    }

    /// <summary>
    /// <paramref name="text"/> with the <c>sql:</c> literal block of step <paramref name="stepId"/> replaced by a
    /// one-line value: the block is the key line plus every following line indented deeper than the key.
    /// </summary>
    private static string ReplaceSqlBlock(string text, string stepId, string newSql)
    {
        var lines = text.Split('\n').ToList();
        var step = lines.FindIndex(l => l.TrimStart() == $"- id: {stepId}");
        var key = lines.FindIndex(step, l => l.TrimStart().StartsWith("sql: ", StringComparison.Ordinal));
        var indent = lines[key].Length - lines[key].TrimStart().Length;
        var end = key + 1;
        while (end < lines.Count && (lines[end].Length == 0 ? end + 1 < lines.Count && lines[end + 1].Length - lines[end + 1].TrimStart().Length > indent
                   : lines[end].Length - lines[end].TrimStart().Length > indent)) end++;
        lines.RemoveRange(key, end - key);
        lines.Insert(key, new string(' ', indent) + "sql: " + newSql);
        return string.Join('\n', lines);
    }

    [Fact]
    public async Task An_invalid_edit_comes_back_as_validation_errors_and_leaves_the_file_untouched()
    {
        var file = Path.Combine(_workspace.Pipelines, Shipped + ".yaml");
        var before = File.ReadAllBytes(file);
        var definition = await GetJson($"workflow-definitions/by-definition-id/{Shipped}");
        var activity = definition["root"]!["activities"]!.AsArray().First(a => a!["type"]!.GetValue<string>() == "Pipelines.Transform.Sql")!;
        activity["tables"]!["expression"]!["value"] = "{\"bars\": \"${{ steps.no-such-step.outputs.table }}\"}";
        var response = await Post("workflow-definitions", new JsonObject { ["model"] = definition, ["publish"] = false });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["validationErrors"]!.AsArray();
        Assert.Contains(errors, e => e!["message"]!.GetValue<string>().Contains("no-such-step"));
        Assert.Equal(before, File.ReadAllBytes(file));
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("..")]
    [InlineData("sub/dir")]
    [InlineData("/etc/passwd")]
    public async Task A_save_cannot_write_outside_the_pipelines_directory(string definitionId)
    {
        var definition = await GetJson($"workflow-definitions/by-definition-id/{Shipped}");
        definition["definitionId"] = definitionId;
        var filesBefore = Directory.GetFiles(_workspace.Root, "*", SearchOption.AllDirectories).Order().ToList();
        var response = await Post("workflow-definitions", new JsonObject { ["model"] = definition, ["publish"] = false });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(filesBefore, Directory.GetFiles(_workspace.Root, "*", SearchOption.AllDirectories).Order().ToList());
    }

    [Fact]
    public async Task Delete_removes_the_file_and_its_layout()
    {
        var definition = await GetJson($"workflow-definitions/by-definition-id/{Shipped}");
        definition["definitionId"] = "copy-of-it";
        definition["root"]!["activities"]![0]!["metadata"]!["designer"]!["position"] = new JsonObject { ["x"] = 5, ["y"] = 5 };
        Assert.Equal(HttpStatusCode.OK, (await Post("workflow-definitions", new JsonObject { ["model"] = definition })).StatusCode);
        var copy = Path.Combine(_workspace.Pipelines, "copy-of-it.yaml");
        Assert.True(File.Exists(copy));
        Assert.True(File.Exists(DesignerLayout.SidecarPath(copy)));
        Assert.Equal(HttpStatusCode.NoContent, (await _client.DeleteAsync("workflow-definitions/copy-of-it")).StatusCode);
        Assert.False(File.Exists(copy));
        Assert.False(File.Exists(DesignerLayout.SidecarPath(copy)));
        Assert.Equal(HttpStatusCode.NotFound, (await _client.DeleteAsync("workflow-definitions/copy-of-it")).StatusCode);
    }

    [Fact]
    public async Task Cross_origin_calls_and_foreign_host_names_are_refused()
    {
        using var crossOrigin = new HttpRequestMessage(HttpMethod.Get, "workflow-definitions");
        crossOrigin.Headers.Add("Origin", "http://evil.example");
        Assert.Equal(HttpStatusCode.Forbidden, (await _client.SendAsync(crossOrigin)).StatusCode);
        using var sameOrigin = new HttpRequestMessage(HttpMethod.Get, "workflow-definitions");
        sameOrigin.Headers.Add("Origin", _address);
        Assert.Equal(HttpStatusCode.OK, (await _client.SendAsync(sameOrigin)).StatusCode);
        using var rebound = new HttpRequestMessage(HttpMethod.Get, "workflow-definitions");
        rebound.Headers.Host = "attacker.example";
        Assert.Equal(HttpStatusCode.MisdirectedRequest, (await _client.SendAsync(rebound)).StatusCode);
    }

    [Fact]
    public void Listening_beyond_loopback_needs_an_api_key()
    {
        var error = Assert.Throws<ArgumentException>(() => StudioServer.Build(Options(null, "http://0.0.0.0:0")));
        Assert.Contains("--api-key", error.Message);
        Assert.Throws<ArgumentException>(() => StudioServer.Build(Options("short", "http://0.0.0.0:0")));
    }

    [Fact]
    public async Task With_a_key_every_api_call_must_carry_it_as_studio_sends_it()
    {
        await using var app = StudioServer.Build(Options(Key));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        using var client = new HttpClient { BaseAddress = new Uri(address + "/elsa/api/") };
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("workflow-definitions")).StatusCode);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("ApiKey", "wrong-key-0123456789");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("workflow-definitions")).StatusCode);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("ApiKey", Key);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("workflow-definitions")).StatusCode);
        // The page itself carries no secret and loads without the key.
        using var page = new HttpClient();
        var html = await page.GetStringAsync(address + "/");
        Assert.DoesNotContain(Key, html);
        await app.StopAsync();
    }

    [Fact]
    public async Task With_a_key_the_endpoints_a_host_adds_under_the_service_api_and_the_metrics_need_it_too()
    {
        await using var app = StudioServer.Build(Options(Key), endpoints: host =>
        {
            host.MapGet("/api/v1/ping", () => "pong");
            host.MapGet("/metrics", () => "up 1");
            host.MapGet("/healthz", () => "ok");
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        using var client = new HttpClient { BaseAddress = new Uri(address) };
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/ping")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/API/V1/ping")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("ApiKey", Key);
        Assert.Equal("pong", await client.GetStringAsync("/api/v1/ping"));
        Assert.Equal("up 1", await client.GetStringAsync("/metrics"));
        await app.StopAsync();
    }

    [Fact]
    public async Task The_root_leads_to_studio_unless_the_host_maps_a_home_page_and_services_added_by_the_host_are_injected()
    {
        using (var plain = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(_address) })
        {
            var response = await plain.GetAsync("/");
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal(StudioServer.StudioPath, response.Headers.Location!.OriginalString);
            Assert.Contains("elsa-workflow-definition-editor", await plain.GetStringAsync(StudioServer.StudioPath));
        }

        await using var app = StudioServer.Build(Options(), services: s => s.AddSingleton(new HomeText("the host's home")),
            endpoints: host => host.MapGet("/", (HomeText home) => home.Text));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        using var client = new HttpClient();
        Assert.Equal("the host's home", await client.GetStringAsync(address + "/"));
        await app.StopAsync();
    }

    private sealed record HomeText(string Text);
}
