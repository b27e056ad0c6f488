using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Pipelines.Steps.Ticks;

namespace Pipelines.Steps.Tests.Ticks;

/// <summary>Two WebSockets joined by a real TCP connection on loopback: the server side sends, the reader receives.</summary>
public sealed class WebSocketMessageReaderTests : IAsyncLifetime
{
    private WebSocket _server = null!;
    private WebSocket _client = null!;
    private readonly List<(WebSocketMessageKind Kind, string Text)> _received = [];

    public async Task InitializeAsync()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var client = new TcpClient();
        var accepted = listener.AcceptTcpClientAsync();
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        var server = await accepted;
        _server = WebSocket.CreateFromStream(server.GetStream(), new WebSocketCreationOptions { IsServer = true });
        _client = WebSocket.CreateFromStream(client.GetStream(), new WebSocketCreationOptions { IsServer = false });
    }

    public Task DisposeAsync()
    {
        _server.Dispose();
        _client.Dispose();
        return Task.CompletedTask;
    }

    private Task Send(string text, WebSocketMessageType type = WebSocketMessageType.Text, bool endOfMessage = true) =>
        _server.SendAsync(Encoding.UTF8.GetBytes(text), type, endOfMessage, CancellationToken.None);

    private Func<WebSocketMessageKind, ValueTask<string?>> Collect(WebSocketMessageReader reader, int stopAfter = int.MaxValue) => kind =>
    {
        _received.Add((kind, Encoding.UTF8.GetString(reader.Message)));
        return ValueTask.FromResult(_received.Count >= stopAfter ? "enough" : null);
    };

    private static WebSocketMessageReader Reader(int initialBytes = 4, int maxBytes = 64, TimeProvider? time = null) =>
        new(initialBytes, maxBytes, TimeSpan.FromSeconds(30), time ?? TimeProvider.System);

    [Fact]
    public async Task A_message_sent_in_several_frames_arrives_whole_in_a_buffer_that_grew_for_it()
    {
        var reader = Reader(initialBytes: 4);
        await Send("{\"e\":", endOfMessage: false);
        await Send("\"aggTrade\",", endOfMessage: false);
        await Send("\"p\":\"27123.45\"}");

        var reason = await reader.ReceiveUntilDropAsync(_client, Collect(reader, stopAfter: 1), CancellationToken.None);

        Assert.Equal("enough", reason);
        Assert.Equal([(WebSocketMessageKind.Text, "{\"e\":\"aggTrade\",\"p\":\"27123.45\"}")], _received);
    }

    [Fact]
    public async Task A_message_longer_than_the_cap_is_reported_as_oversized_and_the_next_one_is_intact()
    {
        var reader = Reader(initialBytes: 8, maxBytes: 16);
        await Send(new string('x', 40), endOfMessage: false);
        await Send(new string('y', 40));
        await Send("after");

        await reader.ReceiveUntilDropAsync(_client, Collect(reader, stopAfter: 2), CancellationToken.None);

        Assert.Equal([(WebSocketMessageKind.Oversized, ""), (WebSocketMessageKind.Text, "after")], _received);
    }

    [Fact]
    public async Task A_binary_message_is_reported_as_binary()
    {
        var reader = Reader();
        await Send("01", WebSocketMessageType.Binary);

        await reader.ReceiveUntilDropAsync(_client, Collect(reader, stopAfter: 1), CancellationToken.None);

        Assert.Equal(WebSocketMessageKind.Binary, Assert.Single(_received).Kind);
    }

    [Fact]
    public async Task A_close_from_the_server_ends_receiving_with_its_status_and_reason()
    {
        var reader = Reader();
        await Send("last");
        await _server.CloseOutputAsync(WebSocketCloseStatus.EndpointUnavailable, "maintenance", CancellationToken.None);

        var reason = await reader.ReceiveUntilDropAsync(_client, Collect(reader), CancellationToken.None);

        Assert.Equal("the server closed the connection: EndpointUnavailable maintenance", reason);
        Assert.Equal([(WebSocketMessageKind.Text, "last")], _received);
    }

    [Fact]
    public async Task A_connection_silent_for_the_receive_timeout_counts_as_dropped()
    {
        var time = new FakeTimeProvider();
        var reader = new WebSocketMessageReader(16, 64, TimeSpan.FromSeconds(30), time);
        await Send("first");

        var receiving = reader.ReceiveUntilDropAsync(_client, Collect(reader), CancellationToken.None);
        var waited = 0;
        while (_received.Count == 0 && waited++ < 500) await Task.Delay(10);   // the first message, then silence
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(receiving.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal("no message for 00:00:30", await receiving.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal([(WebSocketMessageKind.Text, "first")], _received);
    }
}
