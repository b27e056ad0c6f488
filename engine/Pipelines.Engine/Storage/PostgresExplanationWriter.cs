using Npgsql;
using NpgsqlTypes;
using Pipelines.Abstractions;

namespace Pipelines.Engine.Storage;

/// <summary>
/// Explanations of a PostgreSQL store go to its <c>decision_explanations</c> table directly: they are a sampled few
/// (the top features of one decision in hundreds), written off the hot thread, so a binary COPY per commit on a
/// connection of the writer's own costs the loop nothing. Rows wait in memory until <see cref="Commit"/>.
/// </summary>
/// <remarks>
/// <para>
/// A server that restarts or drops the connection is ridden out as the store's own commits ride it out
/// (<see cref="PostgresReconnection"/>, with the store's first wait): the batch stays pending, the connection is opened
/// again with exponential backoff, and the whole batch is copied again. A batch is one transaction (a COPY, in a
/// transaction whose id is read first), so a failed attempt wrote none of its rows and a retry cannot duplicate them.
/// The one attempt whose outcome the client cannot know is one whose commit reached the server while its
/// acknowledgement was lost with the connection: the next attempt first asks the server what became of that transaction
/// (<c>txid_status</c>) and stops there when it committed.
/// </para>
/// <para>
/// After <see cref="PostgresReconnection.Attempts"/> attempts <see cref="Commit"/> throws
/// <see cref="StoreUnavailableException"/> naming the table, the number of rows and the server (never a password); the
/// rows stay pending, so a later <see cref="Commit"/> writes them once the server is back. An error the server answers
/// with (a constraint) is not a lost connection and surfaces at once. <see cref="Commit"/> blocks its caller while it
/// waits, and nothing is appended meanwhile, so pending rows never outgrow what one commit carries however long the
/// server stays away (the tick loop's explanation thread commits every <c>CommitInterval</c>; while it waits the hot
/// thread skips the explanations its ring has no room for and counts them).
/// </para>
/// </remarks>
internal sealed class PostgresExplanationWriter : IExplanationWriter
{
    public const string Table = "decision_explanations";

    /// <summary>How long a transaction found still running after a reconnection is given to end before it is taken as never committed.</summary>
    private static readonly TimeSpan InProgressBound = TimeSpan.FromSeconds(5);

    private readonly NpgsqlConnection _connection;
    private readonly PostgresReconnection _reconnection;
    private readonly string _runId;
    private readonly string _stepId;
    private readonly string _model;
    private readonly List<Row> _pending = new(1024);

    // The transaction of the last attempt while its outcome is unknown: set before its COPY, cleared once it committed.
    private long? _unconfirmed;

    // Set when a commit failed: disposing then closes without meeting the same failure (or the same waits) a second time.
    private bool _failed;

    private readonly record struct Row(long TradeId, int ModelVersion, string Feature, double ShapValue, int Rank);

    public PostgresExplanationWriter(StoreLocation location, TimeSpan firstBackoff, string runId, string stepId, string model)
    {
        _runId = runId;
        _stepId = stepId;
        _model = model;
        var connectionString = location.ConnectionString
            ?? throw new InvalidOperationException("a PostgreSQL store without a connection string");
        _connection = PostgresConnections.Open(connectionString);
        _reconnection = new PostgresReconnection(_connection, PostgresConnections.Describe(connectionString), firstBackoff);
    }

    /// <summary>Rows appended and not yet committed.</summary>
    public int Pending => _pending.Count;

    public void Append(long tradeId, int modelVersion, string feature, double shapValue, int rank) =>
        _pending.Add(new Row(tradeId, modelVersion, feature, shapValue, rank));

    public void Commit()
    {
        if (_pending.Count == 0) return;
        try
        {
            _reconnection.Execute(CopyOnce, $"could not write {_pending.Count} explanation row(s) of step {_stepId} to {Table}, which stay pending: ");
        }
        catch
        {
            _failed = true;
            throw;
        }
        _failed = false;
        _pending.Clear();
    }

    /// <summary>One attempt: the pending rows in one transaction, unless the previous attempt's transaction committed after all.</summary>
    private bool CopyOnce()
    {
        if (_unconfirmed is { } earlier && EarlierAttemptCommitted(earlier))
        {
            _unconfirmed = null;
            return true;
        }
        using (var transaction = _connection.BeginTransaction())
        {
            _unconfirmed = _connection.Scalar<long>("SELECT txid_current()");
            using (var import = _connection.BeginBinaryImport(
                       $"COPY {Table} (run_id, step_id, trade_id, model, model_version, feature, shap_value, rank) FROM STDIN (FORMAT BINARY)"))
            {
                foreach (var row in _pending)
                {
                    import.StartRow();
                    import.Write(_runId, NpgsqlDbType.Varchar);
                    import.Write(_stepId, NpgsqlDbType.Varchar);
                    import.Write(row.TradeId, NpgsqlDbType.Bigint);
                    import.Write(_model, NpgsqlDbType.Varchar);
                    import.Write(row.ModelVersion, NpgsqlDbType.Integer);
                    import.Write(row.Feature, NpgsqlDbType.Varchar);
                    import.Write(row.ShapValue, NpgsqlDbType.Double);
                    import.Write(row.Rank, NpgsqlDbType.Integer);
                }
                import.Complete();
            }
            transaction.Commit();
        }
        _unconfirmed = null;
        return true;
    }

    /// <summary>
    /// Whether the transaction of an attempt that lost its connection committed. A restarted server ended every
    /// transaction it had (committed or aborted); a connection dropped by the network may leave its transaction running
    /// a moment longer, which is waited for: one whose commit had reached the server ends within milliseconds, and one
    /// still running after <see cref="InProgressBound"/> never received it, so it can only abort.
    /// </summary>
    private bool EarlierAttemptCommitted(long transaction)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var status = _connection.Scalar<string?>("SELECT txid_status(?)", transaction);
            if (status != "in progress" || waited.Elapsed >= InProgressBound) return status == "committed";
            Thread.Sleep(50);
        }
    }

    /// <summary>
    /// Writes what is still pending, then closes the connection. After a commit that failed (its failure already reached
    /// the caller, naming the rows it could not write) it only closes.
    /// </summary>
    public void Dispose()
    {
        try
        {
            if (!_failed) Commit();
        }
        finally
        {
            _connection.Dispose();
        }
    }
}
