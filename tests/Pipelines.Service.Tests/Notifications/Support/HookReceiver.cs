using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Pipelines.Service.Tests.Notifications.Support;

/// <summary>How the receiver answers one request.</summary>
public enum Answer { Ok, ServerError, Hang }

/// <summary>One request as the receiver read it: the exact body bytes and the headers a sink sets.</summary>
public sealed record ReceivedRequest(string Path, string? ContentType, string? Signature, byte[] Body, Answer Answer);

/// <summary>
/// A real HTTP endpoint on 127.0.0.1 with a port the system picks: it records every request and answers as scripted
/// (200 once the script is spent). A hanging answer holds the request until the client gives up or the receiver stops.
/// </summary>
public sealed class HookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<ReceivedRequest> _requests = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly Func<ReceivedRequest, string> _okBody;

    public ConcurrentQueue<Answer> Script { get; } = new();

    public Uri BaseUrl { get; private set; } = new("http://127.0.0.1/");

    private HookReceiver(WebApplication app, Func<ReceivedRequest, string> okBody)
    {
        _app = app;
        _okBody = okBody;
    }

    public IReadOnlyList<ReceivedRequest> Requests
    {
        get { lock (_requests) return _requests.ToList(); }
    }

    /// <summary>Starts a receiver; <paramref name="okBody"/> is what a 200 carries (the Telegram fake answers with a Message).</summary>
    public static async Task<HookReceiver> StartAsync(Func<ReceivedRequest, string>? okBody = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var receiver = new HookReceiver(app, okBody ?? (_ => ""));
        app.Map("/{**path}", receiver.ReceiveAsync);
        await app.StartAsync();
        receiver.BaseUrl = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return receiver;
    }

    public string Url(string path) => new Uri(BaseUrl, path).ToString();

    /// <summary>Waits, up to a generous bound, until <paramref name="count"/> requests have arrived.</summary>
    public async Task WaitForRequestsAsync(int count, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(20));
        while (Requests.Count < count)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"expected {count} request(s), got {Requests.Count}");
            await Task.Delay(20);
        }
    }

    private async Task ReceiveAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        var answer = Script.TryDequeue(out var scripted) ? scripted : Answer.Ok;
        var request = new ReceivedRequest(context.Request.Path, context.Request.ContentType, context.Request.Headers["X-Pipelines-Signature"].FirstOrDefault(),
            body.ToArray(), answer);
        lock (_requests) _requests.Add(request);
        switch (answer)
        {
            case Answer.Hang:
                using (var held = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token))
                {
                    try
                    {
                        await Task.Delay(Timeout.Infinite, held.Token);
                    }
                    catch (OperationCanceledException)
                    {
                    }
                }
                return;
            case Answer.ServerError:
                context.Response.StatusCode = 500;
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync("{\"ok\":false,\"error_code\":500,\"description\":\"Internal Server Error: the receiver failed\"}");
                return;
            default:
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(_okBody(request));
                return;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
    }
}
