namespace Pipelines.DuckDb;

/// <summary>An open transaction on a connection. Disposing it without <see cref="Commit"/> rolls it back.</summary>
public sealed class DuckDbTransaction : IDisposable
{
    private readonly DuckDbConnection _connection;
    private bool _completed;

    internal DuckDbTransaction(DuckDbConnection connection) => _connection = connection;

    public void Commit() => Complete("COMMIT");

    public void Rollback() => Complete("ROLLBACK");

    /// <summary>Rolls back when neither Commit nor Rollback ran; a closed connection has already discarded it.</summary>
    public void Dispose()
    {
        if (!_completed && !_connection.IsDisposed)
        {
            Complete("ROLLBACK");
        }

        _completed = true;
    }

    private void Complete(string sql)
    {
        if (_completed)
        {
            throw new InvalidOperationException("The transaction has already been committed or rolled back.");
        }

        _completed = true;
        _connection.Execute(sql);
    }
}
