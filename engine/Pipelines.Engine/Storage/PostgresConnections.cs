using System.Net.Sockets;
using Npgsql;

namespace Pipelines.Engine.Storage;

/// <summary>
/// Opening the store's PostgreSQL connection. The connection string comes from an environment variable and may hold a
/// password: nothing here prints it, and every failure names the server by host, port, database and user only.
/// </summary>
internal static class PostgresConnections
{
    /// <summary>
    /// The connection string the store uses: the user's, with the session's time zone set to UTC (the store's TIMESTAMP
    /// columns hold UTC, and PostgreSQL converts the UTC times Npgsql sends through the session's zone) and a name the
    /// server's activity view shows.
    /// </summary>
    public static string ForStore(string connectionString)
    {
        var builder = Parse(connectionString);
        builder.Timezone = "UTC";
        builder.ApplicationName ??= "pipelines";
        return builder.ConnectionString;
    }

    /// <summary>host:port, database and user of a connection string: what a message may say about it.</summary>
    public static string Describe(string connectionString)
    {
        var builder = Parse(connectionString);
        var user = builder.Username ?? Environment.UserName;
        return $"PostgreSQL at {builder.Host ?? "localhost"}:{builder.Port}, database {builder.Database ?? user}, user {user}";
    }

    /// <summary>Opens a connection, or says in one line why the server cannot be used, as <see cref="StoreUnavailableException"/>.</summary>
    public static NpgsqlConnection Open(string connectionString)
    {
        var connection = new NpgsqlConnection(ForStore(connectionString));
        try
        {
            connection.Open();
            return connection;
        }
        catch (Exception e) when (e is NpgsqlException or SocketException or TimeoutException)
        {
            connection.Dispose();
            throw new StoreUnavailableException($"cannot use the store's {Describe(connectionString)}: {Reason(e)}; nothing was written", e);
        }
    }

    /// <summary>What went wrong, in words that never repeat the connection string.</summary>
    public static string Reason(Exception e) => e switch
    {
        PostgresException { SqlState: PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification } =>
            "the server refused the user name or password",
        PostgresException { SqlState: PostgresErrorCodes.InvalidCatalogName } => "the database does not exist",
        PostgresException p => $"{p.MessageText} ({p.SqlState})",
        NpgsqlException { InnerException: SocketException s } => $"the server cannot be reached ({s.SocketErrorCode})",
        NpgsqlException { InnerException: TimeoutException } or TimeoutException => "the server did not answer in time",
        NpgsqlException { InnerException: { } inner } n => $"{n.Message} ({inner.Message})",
        _ => e.Message,
    };

    private static NpgsqlConnectionStringBuilder Parse(string connectionString)
    {
        try
        {
            return new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException e)
        {
            // The builder's message quotes the offending part, which may be a password.
            throw new StoreUnavailableException($"the store's PostgreSQL connection string is not valid ({e.GetType().Name}); it is not shown because it may hold a password", e);
        }
    }
}

