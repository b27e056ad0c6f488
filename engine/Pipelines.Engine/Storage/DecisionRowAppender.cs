using DuckDB.NET.Data;
using DuckDB.NET.Native;
using Pipelines.DuckDb;

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

    private readonly NativeTableAppender _native;
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
        _native = new NativeTableAppender(connection, Table);
        try
        {
            CheckShape();
            PrepareChunk();
        }
        catch
        {
            _native.Dispose();
            throw;
        }
    }

    /// <summary>The table's columns must be the ones this appender writes, in this order; a migration that changes them must change this too.</summary>
    private void CheckShape()
    {
        var types = _native.ColumnTypes;
        if (types.Length != Shape.Length) throw new InvalidOperationException($"{Table} has {types.Length} columns; decisions are written as {Shape.Length}");
        for (var column = 0; column < types.Length; column++)
            if (types[column] != Shape[column]) throw new InvalidOperationException($"{Table} column {column + 1} is {types[column]}; decisions write {Shape[column]} there");
        using var child = NativeMethods.LogicalType.DuckDBListTypeChildType(_native.LogicalType(Shape.Length - 1));
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
        if (++_rows == _native.Capacity) SendChunk();
    }

    /// <summary>Writes every appended row into the table; DuckDB's errors surface here, in its own words.</summary>
    public void Flush()
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        SendChunk();
        _native.Flush();
    }

    private void SendChunk()
    {
        if (_rows == 0) return;
        NativeMethods.Vectors.DuckDBListVectorSetSize(_native.Vector(Shape.Length - 1), (ulong)_rows * (ulong)_featureCount);
        var rows = _rows;
        _rows = 0;
        try
        {
            _native.Send(rows);
        }
        finally
        {
            PrepareChunk();
        }
    }

    /// <summary>
    /// Points at the chunk's vectors again and makes room for a full chunk of feature vectors: sending a chunk may
    /// move its buffers, and reserving may move the list's child vector.
    /// </summary>
    private void PrepareChunk()
    {
        var features = _native.Vector(Shape.Length - 1);
        if (NativeMethods.Vectors.DuckDBListVectorReserve(features, (ulong)_native.Capacity * (ulong)_featureCount) != DuckDBState.Success)
            throw new InvalidOperationException($"DuckDB could not make room for {_native.Capacity} feature vectors of {_featureCount} values");
        NativeMethods.Vectors.DuckDBListVectorSetSize(features, 0);
        _streamIds = (int*)NativeMethods.Vectors.DuckDBVectorGetData(_native.Vector(0));
        _tradeIds = (long*)NativeMethods.Vectors.DuckDBVectorGetData(_native.Vector(1));
        _timesMicros = (long*)NativeMethods.Vectors.DuckDBVectorGetData(_native.Vector(2));
        _modelVersions = (int*)NativeMethods.Vectors.DuckDBVectorGetData(_native.Vector(3));
        _scores = (double*)NativeMethods.Vectors.DuckDBVectorGetData(_native.Vector(4));
        _featureEntries = (ulong*)NativeMethods.Vectors.DuckDBVectorGetData(features);
        _featureValues = (double*)NativeMethods.Vectors.DuckDBVectorGetData(NativeMethods.Vectors.DuckDBListVectorGetChild(features));
    }

    /// <summary>Writes the rows appended so far and closes; native resources are released in every case.</summary>
    public void Dispose()
    {
        if (_closed) return;
        _closed = true;
        try
        {
            SendChunk();
            _native.Close();
        }
        finally
        {
            _native.Dispose();
        }
    }
}
