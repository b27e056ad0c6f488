using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Pipelines.Abstractions;
using Pipelines.Cli;
using Pipelines.Engine.Storage;
using Pipelines.Service.Api;
using Pipelines.Studio;

namespace Pipelines.Service.Tests.Api;

/// <summary>
/// A real store in a temporary directory and the service's API on Kestrel at a free loopback port, built as the service
/// host builds it: <see cref="StudioServer.Build"/> with <see cref="ServiceApi.AddServiceApi"/> and <see cref="ServiceApi.MapServiceApi"/>.
/// </summary>
public sealed class ServiceApiHost : IAsyncDisposable
{
    public string Root { get; } = Directory.CreateTempSubdirectory("pipelines-api-").FullName;
    public PipelineStore Store { get; }
    public WebApplication App { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;
    public string Address { get; private set; } = "";

    private ServiceApiHost() => Store = PipelineStore.Open(Path.Combine(Root, ".pipelines"), TimeSpan.FromSeconds(10));

    public static async Task<ServiceApiHost> StartAsync(Func<ServiceApiOptions, ServiceApiOptions>? adjust = null,
        Action<IServiceCollection>? services = null, string? apiKey = null, StoreAccess? store = null)
    {
        var host = new ServiceApiHost();
        var studio = new StudioOptions
        {
            WorkspaceRoot = host.Root,
            PipelinesDirectory = Path.Combine(host.Root, "pipelines"),
            Catalog = StepCatalogFactory.Create(),
            StorePath = Path.Combine(host.Root, ".pipelines"),
            Urls = ["http://127.0.0.1:0"],
            ApiKey = apiKey,
        };
        Directory.CreateDirectory(studio.PipelinesDirectory);
        var options = ServiceApiOptions.For(studio, store ?? StoreAccess.Shared(host.Store), registryMaxVersions: 20);
        options = adjust?.Invoke(options) ?? options;
        host.App = StudioServer.Build(studio,
            services: s => { s.AddServiceApi(); services?.Invoke(s); },
            endpoints: app => app.MapServiceApi(options));
        await host.App.StartAsync();
        host.Address = host.App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        host.Client = new HttpClient { BaseAddress = new Uri(host.Address) };
        if (apiKey is not null) host.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("ApiKey", apiKey);
        return host;
    }

    public async Task<JsonNode> GetJson(string path)
    {
        var response = await Client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path} answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    /// <summary>A model artifact in the store, as a train step leaves it.</summary>
    public Artifact ModelArtifact(string text)
    {
        var staged = Store.Artifacts.Stage("seed", "train", "model", "txt");
        File.WriteAllText(staged.Path, text);
        var artifact = Store.Artifacts.Commit(staged);
        Store.CompleteStepRun(new StepRunRecord("seed", $"train-{text}", "test/model", 1, StepStatus.Succeeded, null, null, 1, DateTime.UtcNow,
            DateTime.UtcNow, 0, null, null, null), [("file", artifact)], []);
        return artifact;
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        if (App is not null) await App.DisposeAsync();
        Store.Dispose();
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { }
    }
}
