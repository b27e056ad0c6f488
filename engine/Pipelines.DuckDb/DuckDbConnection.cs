using Pipelines.DuckDb.Native;

namespace Pipelines.DuckDb;

/// <summary>
/// A session on a <see cref="DuckDbDatabase"/>. Not thread-safe: use a connection from one thread at a time
/// (open one connection per thread; the database itself may be shared). Results, chunks, statements and appenders
/// created from it follow the same rule.
/// </summary>
public sealed unsafe class DuckDbConnection : IDisposable
{
    private readonly ConnectionHandle _handle;

    internal DuckDbConnection(ConnectionHandle handle) => _handle = handle;

    /// <summary>
    /// Asks the statement running on this connection to stop; it then fails with an interrupt error. The one
    /// member that may be called from another thread, which is how a cancelled step stops a long query.
    /// </summary>
    public void Interrupt() => NativeMethods.Interrupt(Handle);

    /// <summary>
    /// Runs statements like <see cref="Execute(string)"/>, stopping them when <paramref name="cancellationToken"/>
    /// fires: the query is interrupted and <see cref="OperationCanceledException"/> is thrown.
    /// </summary>
    /// <remarks>
    /// DuckDB clears a connection's interrupt flag when a statement starts, so an interrupt that lands just before
    /// the statement begins would be lost; the interrupt is therefore repeated until the statement has returned.
    /// </remarks>
    public void Execute(string sql, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var finished = 0;
        using var registration = cancellationToken.Register(() => Task.Run(() =>
        {
            while (Volatile.Read(ref finished) == 0)
            {
                Interrupt();
                Thread.Sleep(20);
            }
        }));
        try
        {
            Execute(sql);
        }
        catch (DuckDbException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("the statement was interrupted", cancellationToken);
        }
        finally
        {
            Volatile.Write(ref finished, 1);
        }
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>Runs one or more ';'-separated statements (migrations, DDL), discarding any rows.</summary>
    public void Execute(string sql)
    {
        ArgumentNullException.ThrowIfNull(sql);
        using var result = RunQuery(sql);
    }

    /// <summary>Runs a statement and returns the rows it inserted, updated or deleted.</summary>
    public long ExecuteNonQuery(string sql, params object?[] args)
    {
        using var result = Query(sql, args);
        return result.RowsChanged;
    }

    /// <summary>
    /// Runs a statement. Without arguments the SQL may hold several statements (the last one's result is returned);
    /// with arguments it is prepared and they bind to $1.. / ? in order.
    /// </summary>
    public DuckDbResult Query(string sql, params object?[] args)
    {
        ArgumentNullException.ThrowIfNull(sql);
        if (args is null || args.Length == 0)
        {
            return RunQuery(sql);
        }

        using var statement = Prepare(sql);
        statement.BindAll(args);
        return statement.Execute();
    }

    /// <summary>
    /// The first column of the first row as T. NULL or no row gives null for reference and nullable types and
    /// throws otherwise; numbers convert to other numeric types when they fit.
    /// </summary>
    public T Scalar<T>(string sql, params object?[] args)
    {
        using var result = Query(sql, args);
        return ScalarReader.Read<T>(result);
    }

    public DuckDbPreparedStatement Prepare(string sql)
    {
        ArgumentNullException.ThrowIfNull(sql);
        NativeMethods.Prepare(Handle, sql, out var raw);
        var statement = new PreparedStatementHandle(raw);
        var error = NativeMethods.ReadUtf8(NativeMethods.PrepareError(raw));
        if (error is not null || statement.IsInvalid)
        {
            statement.Dispose();
            throw new DuckDbException(error ?? "DuckDB could not prepare the statement.");
        }

        return new DuckDbPreparedStatement(statement);
    }

    /// <summary>Starts a transaction; disposing it without <see cref="DuckDbTransaction.Commit"/> rolls it back.</summary>
    public DuckDbTransaction BeginTransaction()
    {
        Execute("BEGIN TRANSACTION");
        return new DuckDbTransaction(this);
    }

    /// <summary>Bulk inserts into <paramref name="table"/> (default schema when <paramref name="schema"/> is null).</summary>
    public DuckDbAppender CreateAppender(string table, string? schema = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(table);
        return DuckDbAppender.Create(Handle, table, schema);
    }

    internal bool IsDisposed => _handle.IsClosed;

    public void Dispose() => _handle.Dispose();

    private IntPtr Handle
    {
        get
        {
            ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
            return _handle.DangerousGetHandle();
        }
    }

    private DuckDbResult RunQuery(string sql)
    {
        var connection = Handle;
        return DuckDbResult.Run(result => NativeMethods.Query(connection, sql, (NativeResult*)result));
    }
}
