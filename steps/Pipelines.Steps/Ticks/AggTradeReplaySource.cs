using Pipelines.Steps.Ingest.Binance;

namespace Pipelines.Steps.Ticks;

/// <summary>
/// Replays Binance aggTrades dump files (zip or CSV, 7 or 8 columns, header or not, ms or µs times) in the order
/// given, streaming each file so its size does not matter. Malformed rows are counted and skipped; the last one is
/// described in <see cref="LastProblem"/>. With <see cref="TickPacing.Recorded"/> pacing the first tick comes out at
/// once and each later one when its recorded distance from the first, divided by the speed, has elapsed; the
/// timeline runs on across files, and a tick recorded earlier than one before it comes out at once.
/// </summary>
public sealed class AggTradeReplaySource : ITickSource
{
    private readonly IReadOnlyList<string> _files;
    private readonly TickPacing _pacing;
    private readonly double _speed;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _disposing = new();
    private AggTradeReader? _reader;
    private int _nextFile;
    private bool _ended;
    private Tick _pending;
    private bool _hasPending;
    private bool _started;
    private long _startTimestamp;
    private long _firstTickMicros;
    private volatile string? _lastProblem;

    public AggTradeReplaySource(
        IReadOnlyList<string> files, TickPacing pacing = TickPacing.AsFastAsPossible, double speed = 1.0, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(files);
        if (files.Count == 0) throw new ArgumentException("give at least one aggTrades dump file to replay", nameof(files));
        for (var i = 0; i < files.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(files[i])) throw new ArgumentException($"file {i + 1} of the replay list is empty", nameof(files));
            if (!File.Exists(files[i])) throw new FileNotFoundException($"aggTrades dump file {i + 1} of the replay list does not exist: {files[i]}", files[i]);
        }
        if (!Enum.IsDefined(pacing)) throw new ArgumentOutOfRangeException(nameof(pacing), pacing, "unknown tick pacing");
        if (!double.IsFinite(speed) || speed <= 0)
            throw new ArgumentOutOfRangeException(nameof(speed), speed, "the replay speed must be a finite number above 0 (1 = recorded pace, 2 = twice as fast)");
        _files = files.ToArray();
        _pacing = pacing;
        _speed = speed;
        _time = time ?? TimeProvider.System;
        Name = "replay aggTrades " + string.Join(", ", _files.Select(Path.GetFileName));
    }

    public string Name { get; }

    public TickSourceCounters Counters { get; } = new();

    /// <summary>The last malformed row skipped, with its file and line; null while there has been none.</summary>
    public string? LastProblem => _lastProblem;

    public ValueTask<int> ReadAsync(Memory<Tick> buffer, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (buffer.IsEmpty) throw new ArgumentException("the tick buffer must hold at least one tick", nameof(buffer));
        return _pacing == TickPacing.AsFastAsPossible
            ? new ValueTask<int>(ReadAvailable(buffer.Span))
            : ReadPacedAsync(buffer, cancellationToken);
    }

    private int ReadAvailable(Span<Tick> buffer)
    {
        var count = 0;
        while (count < buffer.Length && TryNext(out buffer[count])) count++;
        return count;
    }

    private ValueTask<int> ReadPacedAsync(Memory<Tick> buffer, CancellationToken cancellationToken)
    {
        var count = ReadDue(buffer.Span, out var wait);
        return count > 0 || wait == TimeSpan.Zero ? new ValueTask<int>(count) : WaitThenReadAsync(buffer, wait, cancellationToken);
    }

    private async ValueTask<int> WaitThenReadAsync(Memory<Tick> buffer, TimeSpan wait, CancellationToken cancellationToken)
    {
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposing.Token);
        while (true)
        {
            try
            {
                await Task.Delay(wait, _time, waiting.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_disposing.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                return 0;
            }
            var count = ReadDue(buffer.Span, out wait);
            if (count > 0 || wait == TimeSpan.Zero) return count;
        }
    }

    /// <summary>Copies out the ticks already due; when none is, <paramref name="wait"/> says how long until the next one.</summary>
    private int ReadDue(Span<Tick> buffer, out TimeSpan wait)
    {
        wait = TimeSpan.Zero;
        var count = 0;
        while (count < buffer.Length)
        {
            if (!_hasPending && !TryNext(out _pending)) break;
            _hasPending = true;
            if (!_started)
            {
                _started = true;
                _startTimestamp = _time.GetTimestamp();
                _firstTickMicros = _pending.TimeMicros;
            }
            var due = TimeSpan.FromMicroseconds((_pending.TimeMicros - _firstTickMicros) / _speed);
            var elapsed = _time.GetElapsedTime(_startTimestamp);
            if (due > elapsed)
            {
                if (count == 0) wait = due - elapsed;
                break;
            }
            buffer[count++] = _pending;
            _hasPending = false;
        }
        return count;
    }

    private bool TryNext(out Tick tick)
    {
        while (!_ended)
        {
            if (_reader is null)
            {
                if (_nextFile == _files.Count)
                {
                    _ended = true;
                    break;
                }
                _reader = AggTradeReader.Open(_files[_nextFile++]);
            }
            var linesBefore = _reader.LineNumber;
            try
            {
                if (_reader.TryRead(out var trade))
                {
                    tick = new Tick(trade.Id, trade.TimeMicros, trade.Price, trade.Quantity, trade.IsBuyerMaker);
                    return true;
                }
            }
            catch (InvalidDataException e) when (_reader.LineNumber > linesBefore)
            {
                Counters.CountMalformed();
                _lastProblem = e.Message;
                continue;
            }
            _reader.Dispose();
            _reader = null;
        }
        tick = default;
        return false;
    }

    /// <summary>Ends the replay; a read waiting for a paced tick returns 0.</summary>
    public ValueTask DisposeAsync()
    {
        if (_disposing.IsCancellationRequested) return ValueTask.CompletedTask;
        _disposing.Cancel();
        _ended = true;
        _hasPending = false;
        _reader?.Dispose();
        _reader = null;
        return ValueTask.CompletedTask;
    }
}
