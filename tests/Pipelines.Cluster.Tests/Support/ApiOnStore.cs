using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Pipelines.Cli;
using Pipelines.Engine.Storage;
using Pipelines.Service.Api;
using Pipelines.Studio;

namespace Pipelines.Cluster.Tests.Support;

/// <summary>
/// The service's API and home page over a given store, on Kestrel at a free loopback port, built as the service host
/// builds it (<see cref="StudioServer.Build"/> with <see cref="ServiceApi.AddServiceApi"/> and <see cref="ServiceApi.MapServiceApi"/>).
/// </summary>
internal sealed class ApiOnStore : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ApiOnStore(WebApplication app, HttpClient client)
    {
        _app = app;
        Client = client;
    }

    public HttpClient Client { get; }

    public static async Task<ApiOnStore> StartAsync(string workspaceRoot, PipelineStore store, TimeSpan? clusterLivenessThreshold = null)
    {
        var studio = new StudioOptions
        {
            WorkspaceRoot = workspaceRoot,
            PipelinesDirectory = Directory.CreateDirectory(Path.Combine(workspaceRoot, "pipelines")).FullName,
            Catalog = StepCatalogFactory.Create(),
            StorePath = store.Layout.Root,
            Urls = ["http://127.0.0.1:0"],
        };
        var options = ServiceApiOptions.For(studio, StoreAccess.Shared(store), registryMaxVersions: 20, clusterLivenessThreshold: clusterLivenessThreshold);
        var app = StudioServer.Build(studio, services: s => s.AddServiceApi(), endpoints: a => a.MapServiceApi(options));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new ApiOnStore(app, new HttpClient { BaseAddress = new Uri(address) });
    }

    public async Task<JsonNode> GetJson(string path)
    {
        var response = await Client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path} answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.DisposeAsync();
    }
}
