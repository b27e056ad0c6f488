using System.Data;
using Npgsql;
using Polly;
using Polly.Retry;

namespace Pipelines.Engine.Storage;

/// <summary>
/// How the PostgreSQL store rides out a server that went away (restarted, unreachable for a while): work on a connection
/// runs again from its start on the connection opened anew, after an exponential backoff with jitter, up to
/// <see cref="Attempts"/> times; then the failure is reported as <see cref="StoreUnavailableException"/> naming the server.
/// Every writer of the store that holds a connection of its own goes through here, so all of them agree on what a lost
/// connection is (<see cref="IsLost"/>) and on how long they wait for it.
/// </summary>
/// <remarks>
/// Only a lost connection is retried: an error the server answered with (a constraint, bad SQL) surfaces at once, since
/// running the same work again would meet it again. Whether a retry can repeat what the lost attempt did is the caller's
/// to settle; the work it passes must be safe to run again.
/// </remarks>
internal sealed class PostgresReconnection
{
    /// <summary>Attempts after the first one; with the waits below, a server away for about half a minute is ridden out.</summary>
    public const int Attempts = 12;

    /// <summary>The longest wait between two attempts.</summary>
    public static readonly TimeSpan LongestWait = TimeSpan.FromSeconds(3);

    private readonly NpgsqlConnection _connection;
    private readonly string _server;
    private readonly ResiliencePipeline _retrying;

    /// <param name="connection">The connection the work runs on; opened again whenever it broke.</param>
    /// <param name="server">The server as a message may name it (<see cref="PostgresConnections.Describe"/>: never a password).</param>
    /// <param name="firstBackoff">The first wait; it doubles on each attempt up to <see cref="LongestWait"/>.</param>
    public PostgresReconnection(NpgsqlConnection connection, string server, TimeSpan firstBackoff)
    {
        _connection = connection;
        _server = server;
        _retrying = new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(IsLost),
            MaxRetryAttempts = Attempts,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = firstBackoff,
            MaxDelay = LongestWait,
        }).Build();
    }

    /// <summary>
    /// Runs <paramref name="work"/> on the connection, reopening it first when it broke, and again from its start each
    /// time the connection is lost; throws <see cref="StoreUnavailableException"/> once the attempts are spent, its message
    /// starting with <paramref name="failedTo"/> (what could not be done, e.g. "could not write 12 rows to t: ").
    /// </summary>
    public T Execute<T>(Func<T> work, string failedTo = "")
    {
        try
        {
            return _retrying.Execute(() =>
            {
                EnsureOpen();
                return work();
            });
        }
        catch (Exception e) when (IsLost(e))
        {
            throw new StoreUnavailableException(
                $"{failedTo}lost the store's {_server} and could not reconnect after {Attempts} attempts: {PostgresConnections.Reason(e)}", e);
        }
    }

    /// <summary>
    /// Failures that a new connection can cure: the connection itself broke, or the server was shutting down or not
    /// accepting connections yet; also any use of the connection after it broke, which Npgsql refuses as an invalid
    /// operation on a connection that is not open.
    /// </summary>
    public bool IsLost(Exception e) => e switch
    {
        NpgsqlException n => n.IsTransient || _connection.State is ConnectionState.Broken or ConnectionState.Closed ||
                             n is PostgresException { SqlState: PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.CrashShutdown },
        InvalidOperationException => _connection.State != ConnectionState.Open,
        _ => false,
    };

    /// <summary>A connection that broke (the server restarted, the network dropped) is closed and opened again.</summary>
    private void EnsureOpen()
    {
        if (_connection.State == ConnectionState.Open) return;
        if (_connection.State != ConnectionState.Closed) _connection.Close();
        _connection.Open();
    }
}
