using System.Net.WebSockets;

namespace Pipelines.Steps.Ticks;

/// <summary>What arrived as one whole WebSocket message.</summary>
public enum WebSocketMessageKind
{
    Text,
    Binary,
    /// <summary>Longer than the reader keeps; its frames were drained and dropped.</summary>
    Oversized,
}

/// <summary>
/// Whole messages off a WebSocket into one buffer reused for every message, as the exchange streams need them: a
/// message that spans frames is gathered, the buffer doubles up to a cap, and a longer message is drained and reported
/// rather than kept. A connection silent for the receive timeout counts as dropped, as does a close from the server.
/// Receiving costs no allocation per message.
/// </summary>
public sealed class WebSocketMessageReader(int initialBytes, int maxBytes, TimeSpan receiveTimeout, TimeProvider time)
{
    private byte[] _buffer = new byte[Math.Max(1, initialBytes)];
    private int _length;

    /// <summary>The most bytes a message may have; a longer one arrives as <see cref="WebSocketMessageKind.Oversized"/>.</summary>
    public int MaxBytes => maxBytes;

    /// <summary>The message being handled (empty for an oversized one); valid until the handler returns.</summary>
    public ReadOnlySpan<byte> Message => _buffer.AsSpan(0, _length);

    /// <summary>
    /// Receives messages and hands each to <paramref name="handle"/> until the connection drops or the handler gives a
    /// reason to stop; returns that reason, or why the connection dropped.
    /// </summary>
    public async Task<string> ReceiveUntilDropAsync(WebSocket socket, Func<WebSocketMessageKind, ValueTask<string?>> handle, CancellationToken stop)
    {
        // One timer per connection, re-armed before each receive, rather than a new timer per message.
        using var silence = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        using var stopping = stop.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), silence);
        var length = 0;
        var oversized = false;
        while (true)
        {
            silence.CancelAfter(receiveTimeout);
            ValueWebSocketReceiveResult result;
            try
            {
                result = await socket.ReceiveAsync(_buffer.AsMemory(length), silence.Token).ConfigureAwait(false);
            }
            catch (Exception) when (silence.IsCancellationRequested && !stop.IsCancellationRequested)
            {
                return $"no message for {receiveTimeout}";
            }
            if (result.MessageType == WebSocketMessageType.Close)
            {
                if (socket.State == WebSocketState.CloseReceived)
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, silence.Token).ConfigureAwait(false);
                return $"the server closed the connection: {socket.CloseStatus} {socket.CloseStatusDescription}".TrimEnd();
            }
            length += result.Count;
            if (!result.EndOfMessage)
            {
                if (length == _buffer.Length)
                {
                    if (_buffer.Length < maxBytes) Array.Resize(ref _buffer, Math.Min(maxBytes, _buffer.Length * 2));
                    else
                    {
                        oversized = true;
                        length = 0;
                    }
                }
                continue;
            }
            _length = oversized ? 0 : length;
            var kind = oversized ? WebSocketMessageKind.Oversized
                : result.MessageType == WebSocketMessageType.Text ? WebSocketMessageKind.Text : WebSocketMessageKind.Binary;
            length = 0;
            oversized = false;
            if (await handle(kind).ConfigureAwait(false) is { } reason) return reason;
        }
    }
}
