using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Pipelines.Service;
using Pipelines.Service.Api;
using Pipelines.Service.Api.Drift;
using Pipelines.Service.Api.Events;
using Pipelines.Service.Api.Models;
using Pipelines.Service.Api.Pipelines;
using Pipelines.Service.Api.Runs;

using Pipelines.Service.Api.Notifications;

namespace Pipelines.Cli.Remote;

/// <summary>
/// The CLI's way through a running service. DuckDB admits one writing process, so while <c>pipelines serve</c> holds
/// the workspace's store, commands that would open it ask the service instead. The service is found by the
/// <c>service.json</c> it writes in the store directory; a record whose process is gone is removed and ignored, and a
/// service that does not answer is treated as absent.
/// </summary>
public sealed class ServiceClient : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(10);

    private readonly HttpClient _http;

    private ServiceClient(ServiceRecord record)
    {
        Record = record;
        _http = new HttpClient { BaseAddress = new Uri(record.Url.TrimEnd('/') + ServiceHost.ApiPrefix + "/"), Timeout = TimeSpan.FromSeconds(30) };
        if (!string.IsNullOrEmpty(record.ApiKey)) _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("ApiKey", record.ApiKey);
    }

    public ServiceRecord Record { get; }

    /// <summary>The live service holding this workspace's store, or null when none answers.</summary>
    public static ServiceClient? Find(CliContext context)
    {
        if (ServiceRecord.FindLive(context.Workspace.StorePath) is not { } record) return null;
        var client = new ServiceClient(record);
        try
        {
            using var probe = new CancellationTokenSource(ProbeTimeout);
            using var response = client._http.GetAsync("pipelines", probe.Token).GetAwaiter().GetResult();
            if (response.IsSuccessStatusCode) return client;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException) { }
        client.Dispose();
        return null;
    }

    public Task<StartRunResponse> StartRunAsync(string pipeline, IReadOnlyDictionary<string, string> parameters, bool force, CancellationToken cancellationToken) =>
        SendAsync<StartRunResponse>(HttpMethod.Post, $"pipelines/{Uri.EscapeDataString(pipeline)}/runs",
            new StartRunRequest(parameters.ToDictionary(p => p.Key, p => JsonSerializer.SerializeToElement(p.Value)), force), cancellationToken);

    public Task<RunList> ListRunsAsync(string? pipeline, int limit, CancellationToken cancellationToken) =>
        SendAsync<RunList>(HttpMethod.Get, $"runs?limit={limit}" + (pipeline is null ? "" : $"&pipeline={Uri.EscapeDataString(pipeline)}"), null, cancellationToken);

    public Task<RunDetails> GetRunAsync(string runId, CancellationToken cancellationToken) =>
        SendAsync<RunDetails>(HttpMethod.Get, $"runs/{Uri.EscapeDataString(runId)}", null, cancellationToken);

    public Task<RunActionResponse> CancelRunAsync(string runId, CancellationToken cancellationToken) =>
        SendAsync<RunActionResponse>(HttpMethod.Post, $"runs/{Uri.EscapeDataString(runId)}/cancel", null, cancellationToken);

    public Task<RunActionResponse> ResumeRunAsync(string runId, CancellationToken cancellationToken) =>
        SendAsync<RunActionResponse>(HttpMethod.Post, $"runs/{Uri.EscapeDataString(runId)}/resume", null, cancellationToken);

    public Task<ModelListResponse> ListModelsAsync(CancellationToken cancellationToken) =>
        SendAsync<ModelListResponse>(HttpMethod.Get, "models", null, cancellationToken);

    public Task<ModelDetailResponse> GetModelAsync(string name, CancellationToken cancellationToken) =>
        SendAsync<ModelDetailResponse>(HttpMethod.Get, $"models/{Uri.EscapeDataString(name)}", null, cancellationToken);

    public Task<RegistryChangeResponse> PromoteModelAsync(string name, int version, string alias, string reason, CancellationToken cancellationToken) =>
        SendAsync<RegistryChangeResponse>(HttpMethod.Post, $"models/{Uri.EscapeDataString(name)}/promote", new RegistryChangeRequest(version, reason, alias), cancellationToken);

    public Task<RegistryChangeResponse> RollbackModelAsync(string name, string alias, string reason, CancellationToken cancellationToken) =>
        SendAsync<RegistryChangeResponse>(HttpMethod.Post, $"models/{Uri.EscapeDataString(name)}/rollback", new RegistryChangeRequest(null, reason, alias), cancellationToken);

    /// <summary>
    /// Drift findings, newest first. The endpoint counts days back (7 by default); the CLI asks for every day it
    /// allows, since locally `pipelines drift` is bounded by its limit alone.
    /// </summary>
    public Task<DriftEventListResponse> ListDriftEventsAsync(string? model, int limit, CancellationToken cancellationToken) =>
        SendAsync<DriftEventListResponse>(HttpMethod.Get, $"drift/events?days={QueryValues.MaxDays}&limit={limit}" + Query("model", model), null, cancellationToken);

    /// <summary>Events as the CloudEvents the service stores them as, newest first.</summary>
    public Task<EventListResponse> ListEventsAsync(string? type, string? model, string? pipeline, DateTime? since, int limit, CancellationToken cancellationToken) =>
        SendAsync<EventListResponse>(HttpMethod.Get, $"events?limit={limit}" + Query("type", type) + Query("model", model) + Query("pipeline", pipeline)
            + Query("since", since?.ToString("O", System.Globalization.CultureInfo.InvariantCulture)), null, cancellationToken);

    /// <summary>Deliveries of events to the notify: sinks, newest event first.</summary>
    public Task<NotificationListResponse> ListNotificationsAsync(bool failedOnly, int limit, CancellationToken cancellationToken) =>
        SendAsync<NotificationListResponse>(HttpMethod.Get, $"notifications?limit={limit}&failed={(failedOnly ? "true" : "false")}", null, cancellationToken);

    private static string Query(string name, string? value) => value is null ? "" : $"&{name}={Uri.EscapeDataString(value)}";

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new InvalidOperationException($"the service at {Record.Url} (pid {Record.Pid}) did not answer: {e.Message}", e);
        }
        using (response)
        {
            if (response.IsSuccessStatusCode)
                return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken)
                       ?? throw new InvalidOperationException($"the service answered {path} with nothing");
            var error = await ReadError(response, cancellationToken);
            var message = error is null ? $"the service answered {(int)response.StatusCode} {response.ReasonPhrase}" : error.Error;
            if (error?.Errors is { Count: > 0 } errors) message += Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => "  " + e));
            throw response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest
                ? new ArgumentException(message)
                : new InvalidOperationException(message);
        }
    }

    private static async Task<ApiError?> ReadError(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try { return await response.Content.ReadFromJsonAsync<ApiError>(Json, cancellationToken); }
        catch (Exception e) when (e is JsonException or NotSupportedException) { return null; }
    }

    public void Dispose() => _http.Dispose();
}
