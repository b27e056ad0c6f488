using DuckDB.NET.Data;
using DuckDB.NET.Native;
using NativeAppender = DuckDB.NET.Native.DuckDBAppender;

namespace Pipelines.Engine.Storage;

/// <summary>
/// Appends rows of <c>decision_rows</c> (stream_id INTEGER, trade_id BIGINT, time TIMESTAMP, model_version INTEGER,
/// score DOUBLE, features DOUBLE[]) through DuckDB's C appender, which DuckDB.NET exposes as <see cref="NativeMethods"/>
/// on the connection's handle. Rows are written straight into a data chunk's vectors and the chunk is handed over
/// when full: a row costs no native call and no allocation, and its feature vector one copy into the list column's
/// child vector. ADO.NET's appender takes a list value as an enumerable and hands it over value by value, which the
/// tick path's writer cannot afford at half a million decisions a second.
/// </summary>
internal sealed unsafe class DecisionRowAppender : IDisposable
{
    private const string Table = "decision_rows";
    private static readonly DuckDBType[] Shape =
        [DuckDBType.Integer, DuckDBType.BigInt, DuckDBType.Timestamp, DuckDBType.Integer, DuckDBType.Double, DuckDBType.List];

    private readonly NativeAppender _appender;
    private readonly DuckDBLogicalType[] _types;
    private readonly DuckDBDataChunk _chunk;
    private readonly IntPtr[] _vectors;
    private readonly int _capacity;
    private readonly int _featureCount;
    private int* _streamIds;
    private long* _tradeIds;
    private long* _timesMicros;
    private int* _modelVersions;
    private double* _scores;
    private ulong* _featureEntries;   // per row: offset and length into the child vector
    private double* _featureValues;
    private int _rows;
    private bool _closed;

    public DecisionRowAppender(DuckDBConnection connection, int featureCount)
    {
        _featureCount = featureCount;
        _capacity = checked((int)NativeMethods.Helpers.DuckDBVectorSize());
        if (NativeMethods.Appender.DuckDBAppenderCreate(connection.NativeConnection, null!, Table, out _appender) != DuckDBState.Success)
        {
            var error = ErrorText();
            _appender.Dispose();
            throw new InvalidOperationException($"cannot append to {Table}: {error}");
        }
        _types = new DuckDBLogicalType[Shape.Length];
        try
        {
            CheckShape();
            _chunk = NativeMethods.DataChunks.DuckDBCreateDataChunk(_types.Select(t => t.DangerousGetHandle()).ToArray(), (ulong)_types.Length);
            _vectors = new IntPtr[_types.Length];
            for (var column = 0; column < _vectors.Length; column++)
                _vectors[column] = NativeMethods.DataChunks.DuckDBDataChunkGetVector(_chunk, column);
            PrepareChunk();
        }
        catch
        {
            ReleaseNative();
            throw;
        }
    }

    /// <summary>The table's columns must be the ones this appender writes, in this order; a migration that changes them must change this too.</summary>
    private void CheckShape()
    {
        var count = (int)NativeMethods.Appender.DuckDBAppenderColumnCount(_appender);
        if (count != Shape.Length) throw new InvalidOperationException($"{Table} has {count} columns; decisions are written as {Shape.Length}");
        for (var column = 0; column < count; column++)
        {
            _types[column] = NativeMethods.Appender.DuckDBAppenderColumnType(_appender, (ulong)column);
            var type = NativeMethods.LogicalType.DuckDBGetTypeId(_types[column]);
            if (type != Shape[column]) throw new InvalidOperationException($"{Table} column {column + 1} is {type}; decisions write {Shape[column]} there");
        }
        using var child = NativeMethods.LogicalType.DuckDBListTypeChildType(_types[^1]);
        var childType = NativeMethods.LogicalType.DuckDBGetTypeId(child);
        if (childType != DuckDBType.Double) throw new InvalidOperationException($"{Table}.features holds {childType}; decisions write DOUBLE");
    }

    public void Append(int streamId, long tradeId, long timeMicros, int modelVersion, double score, ReadOnlySpan<double> features)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        if (features.Length != _featureCount)
            throw new ArgumentException($"the decision has {features.Length} features; the appender was opened for {_featureCount}", nameof(features));
        var row = _rows;
        _streamIds[row] = streamId;
        _tradeIds[row] = tradeId;
        _timesMicros[row] = timeMicros;   // DuckDB's TIMESTAMP is microseconds since the Unix epoch
        _modelVersions[row] = modelVersion;
        _scores[row] = score;
        var offset = (long)row * _featureCount;
        _featureEntries[2 * row] = (ulong)offset;
        _featureEntries[2 * row + 1] = (ulong)_featureCount;
        features.CopyTo(new Span<double>(_featureValues + offset, _featureCount));
        if (++_rows == _capacity) SendChunk();
    }

    /// <summary>Writes every appended row into the table; DuckDB's errors surface here, in its own words.</summary>
    public void Flush()
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        SendChunk();
        if (NativeMethods.Appender.DuckDBAppenderFlush(_appender) != DuckDBState.Success)
            throw new InvalidOperationException($"writing decisions failed: {ErrorText()}");
    }

    private void SendChunk()
    {
        if (_rows == 0) return;
        NativeMethods.Vectors.DuckDBListVectorSetSize(_vectors[^1], (ulong)_rows * (ulong)_featureCount);
        NativeMethods.DataChunks.DuckDBDataChunkSetSize(_chunk, (ulong)_rows);
        var state = NativeMethods.Appender.DuckDBAppendDataChunk(_appender, _chunk);
        NativeMethods.DataChunks.DuckDBDataChunkReset(_chunk);
        _rows = 0;
        PrepareChunk();
        if (state != DuckDBState.Success) throw new InvalidOperationException($"appending decisions failed: {ErrorText()}");
    }

    /// <summary>
    /// Points at the chunk's vectors again and makes room for a full chunk of feature vectors: resetting a chunk may
    /// move its buffers, and reserving may move the list's child vector.
    /// </summary>
    private void PrepareChunk()
    {
        var features = _vectors[^1];
        if (NativeMethods.Vectors.DuckDBListVectorReserve(features, (ulong)_capacity * (ulong)_featureCount) != DuckDBState.Success)
            throw new InvalidOperationException($"DuckDB could not make room for {_capacity} feature vectors of {_featureCount} values");
        NativeMethods.Vectors.DuckDBListVectorSetSize(features, 0);
        _streamIds = (int*)NativeMethods.Vectors.DuckDBVectorGetData(_vectors[0]);
        _tradeIds = (long*)NativeMethods.Vectors.DuckDBVectorGetData(_vectors[1]);
        _timesMicros = (long*)NativeMethods.Vectors.DuckDBVectorGetData(_vectors[2]);
        _modelVersions = (int*)NativeMethods.Vectors.DuckDBVectorGetData(_vectors[3]);
        _scores = (double*)NativeMethods.Vectors.DuckDBVectorGetData(_vectors[4]);
        _featureEntries = (ulong*)NativeMethods.Vectors.DuckDBVectorGetData(features);
        _featureValues = (double*)NativeMethods.Vectors.DuckDBVectorGetData(NativeMethods.Vectors.DuckDBListVectorGetChild(features));
    }

    private string ErrorText()
    {
        using var error = NativeMethods.Appender.DuckDBAppenderErrorData(_appender);
        return error.IsInvalid || !NativeMethods.ErrorData.DuckDBErrorDataHasError(error)
            ? "DuckDB gave no reason"
            : NativeMethods.ErrorData.DuckDBErrorDataMessage(error);
    }

    /// <summary>Writes the rows appended so far and closes; native resources are released in every case.</summary>
    public void Dispose()
    {
        if (_closed) return;
        try
        {
            SendChunk();
            if (NativeMethods.Appender.DuckDBAppenderClose(_appender) != DuckDBState.Success)
                throw new InvalidOperationException($"closing the decision appender failed: {ErrorText()}");
        }
        finally
        {
            _closed = true;
            ReleaseNative();
        }
    }

    private void ReleaseNative()
    {
        _chunk?.Dispose();
        foreach (var type in _types) type?.Dispose();
        _appender.Dispose();
    }
}
