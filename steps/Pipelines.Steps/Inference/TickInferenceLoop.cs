using System.Diagnostics;
using System.Globalization;
using Pipelines.Abstractions;
using Pipelines.Learning.Drift;
using Pipelines.Learning.Features;
using Pipelines.Learning.Trees;
using Pipelines.Steps.Book;
using Pipelines.Steps.Ticks;
using Serilog;

namespace Pipelines.Steps.Inference;

/// <summary>
/// Scores a tick stream with the current model, one tick at a time, on a dedicated thread that allocates nothing
/// per tick. Per tick: validate (bad prices or quantities, repeated or backward trade ids are counted and skipped),
/// update the streaming features, predict with the compiled model, update one ADWIN per feature, and copy the
/// decision into a bounded ring. A writer thread drains that ring into the decision log in batches (every decision
/// is persisted: when the ring is full the hot thread waits and counts the stall) and records drift events and the
/// rate-limited log of skipped ticks. Sampled or flagged decisions also go to a second ring, drained by a thread
/// that stores their TreeSHAP top features; when that ring is full the explanation is skipped and counted, never
/// waited for.
/// </summary>
/// <remarks>
/// The model is read once per tick from a volatile reference, so <see cref="Publish"/> swaps it atomically between
/// ticks and every decision records the version that made it. The loop stops between read batches when cancelled,
/// when the source ends, or at the tick or time limit; every tick already read is decided, then both rings are
/// drained and committed before <see cref="Run"/> returns, so nothing decided is lost and nothing is half-written.
/// </remarks>
public sealed class TickInferenceLoop
{
    private static readonly TimeSpan RejectionLogInterval = TimeSpan.FromSeconds(1);
    private const int ReleaseEvery = 1024;

    private readonly ITickSource _source;
    private readonly IOrderBookFeed? _book;
    private readonly int _rowWidth;
    private readonly FeatureSet _features;
    private readonly IDecisionWriter _decisions;
    private readonly IExplanationWriter? _explanations;
    private readonly IDriftLog _drift;
    private readonly ILogger _log;
    private readonly TickLoopOptions _options;
    private readonly StreamingFeatureEvaluator _evaluator;
    private readonly Adwin[] _adwins;
    private readonly long[] _lastDriftTick;
    private readonly DecisionRing _decisionRing;
    private readonly DecisionRing? _explanationRing;
    private readonly NoticeRing<DriftNotice> _driftRing = new(1024);
    private readonly NoticeRing<RejectedTick> _rejectedRing = new(1024);
    private readonly LatencyHistogram _latency = new();
    private readonly long[] _rejected = new long[TickRejectionNames.Count];
    private readonly List<int> _versionsUsed = new(16);
    private LoadedModel _model;
    private volatile bool _hotDone;
    private volatile bool _failed;
    private Exception? _hotFailure;
    private Exception? _writerFailure;
    private Exception? _explainerFailure;

    // Hot-thread state; read by others only after the hot thread has been joined.
    private long _ticks;
    private long _decisionCount;
    private long _stalls;
    private long _explanationsSkipped;
    private long _driftNoticesSkipped;
    private long _driftCutsInCooldown;
    private long _sinceSample;
    private long _lastTradeId;
    private bool _haveTradeId;
    private double _hotSeconds;
    private long _allocatedBytes;
    private long _measuredTicks;
    private long _measuredBookEvents;

    // Background-thread counters, read after those threads have been joined.
    private long _explained;
    private long _driftEvents;

    /// <param name="book">
    /// An order book kept current beside the trades: before each trade it is moved to the trade's exchange time, and
    /// its columns (<see cref="BookColumns"/>) follow the tick columns in the features' row. Null for trades only; then
    /// features reading the book are refused.
    /// </param>
    public TickInferenceLoop(ITickSource source, FeatureSet features, LoadedModel model, IDecisionWriter decisions,
        IExplanationWriter? explanations, IDriftLog drift, ILogger log, TickLoopOptions options, IOrderBookFeed? book = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(decisions);
        ArgumentNullException.ThrowIfNull(drift);
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _source = source;
        _book = book;
        _features = features;
        if (book is null && BookFeatureNeeds.FeaturesReadingTheBook(features) is { Count: > 0 } bookFeatures)
            throw new ArgumentException(BookFeatureNeeds.NoBookMessage($"model '{model.Name}' v{model.Version}", bookFeatures), nameof(book));
        _decisions = decisions;
        _drift = drift;
        _log = log;
        _options = options;
        CheckModel(model);
        _model = model;
        IReadOnlyList<string> columns = book is null ? TickColumns.Names : [.. TickColumns.Names, .. BookColumns.Names];
        _rowWidth = columns.Count;
        _evaluator = new StreamingFeatureEvaluator(features, columns);
        // Every feature's detector is updated on every tick; with one clock they would all run their cut test on the
        // same tick, one tick in 32 doing twenty tests. Spread over the clock, a tick runs at most one or two.
        var clock = new Adwin(options.AdwinDelta).Clock;
        var featureCount = features.Names.Count;
        _adwins = Enumerable.Range(0, featureCount).Select(f => new Adwin(options.AdwinDelta, clockPhase: f * clock / featureCount)).ToArray();
        _lastDriftTick = Enumerable.Repeat(long.MinValue / 2, features.Names.Count).ToArray();
        _decisionRing = new DecisionRing(options.QueueCapacity, features.Names.Count);
        if (explanations is not null && (options.ShapEvery > 0 || options.ShapFlagThreshold is not null))
        {
            _explanations = explanations;
            _explanationRing = new DecisionRing(Math.Max(64, options.QueueCapacity / 16), features.Names.Count);
        }
    }

    /// <summary>The model scoring the next tick.</summary>
    public LoadedModel Model => Volatile.Read(ref _model);

    /// <summary>Makes <paramref name="model"/> score every tick from the next one on; safe from any thread.</summary>
    public void Publish(LoadedModel model)
    {
        CheckModel(model);
        Volatile.Write(ref _model, model);
    }

    /// <summary>Throws when the model's features differ from the loop's, naming both lists, or it has several outputs.</summary>
    public void CheckModel(LoadedModel model)
    {
        if (!model.FeatureNames.SequenceEqual(_features.Names, StringComparer.Ordinal))
            throw new ArgumentException(
                $"model '{model.Name}' v{model.Version} reads features [{string.Join(", ", model.FeatureNames)}] but the loop computes [{string.Join(", ", _features.Names)}]",
                nameof(model));
        if (model.OutputCount != 1)
            throw new ArgumentException($"model '{model.Name}' v{model.Version} has {model.OutputCount} outputs per row; the tick loop scores one-output models (binary or regression)", nameof(model));
    }

    /// <summary>Runs the loop to its end (see the class remarks) and returns its figures once everything is stored.</summary>
    public TickLoopResult Run(CancellationToken cancellationToken)
    {
        using var metrics = TickMetrics.Track(_source.Name, Model.Name, _latency, () => Volatile.Read(ref _ticks));
        var hot = new Thread(() => HotLoop(cancellationToken)) { IsBackground = true, Name = "tick-inference" };
        var writer = new Thread(WriterLoop) { IsBackground = true, Name = "tick-decision-writer" };
        var explainer = _explanationRing is null ? null : new Thread(ExplainerLoop) { IsBackground = true, Name = "tick-explainer" };
        writer.Start();
        explainer?.Start();
        hot.Start();
        hot.Join();
        writer.Join();
        explainer?.Join();
        var failure = _hotFailure ?? _writerFailure ?? _explainerFailure;
        if (failure is not null)
            throw new InvalidOperationException($"the tick loop over {_source.Name} failed after {_decisionCount} decisions: {failure.Message}", failure);
        return new TickLoopResult(_ticks, _decisionCount, _rejected.ToArray(), _stalls, _explained, _explanationsSkipped, _driftEvents,
            _driftNoticesSkipped, _driftCutsInCooldown, _versionsUsed.ToArray(), _hotSeconds, _latency.Percentile(50), _latency.Percentile(99), _latency.Percentile(99.9),
            _latency.Max, _allocatedBytes, _measuredTicks)
        {
            BookEvents = _book?.Events ?? 0, MeasuredBookEvents = _measuredBookEvents,
        };
    }

    private void HotLoop(CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        var buffer = new Tick[_options.ReadBatch];
        var row = new double[_rowWidth];
        var output = new double[1];
        var nanosecondsPerTimestamp = 1e9 / Stopwatch.Frequency;
        var deadline = _options.Duration is { } duration ? start + (long)(duration.TotalSeconds * Stopwatch.Frequency) : long.MaxValue;
        var measuring = false;
        long allocatedAtStart = 0, measuredFrom = 0, bookEventsFrom = 0;
        try
        {
            while (!cancellationToken.IsCancellationRequested && !_failed && Stopwatch.GetTimestamp() < deadline)
            {
                var wanted = _options.MaxTicks is { } max ? (int)Math.Min(buffer.Length, max - _ticks) : buffer.Length;
                if (wanted == 0) break;
                var pending = _source.ReadAsync(buffer.AsMemory(0, wanted), cancellationToken);
                // A source that has to wait completes asynchronously; only then does reading allocate.
                var read = pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
                if (read == 0) break;
                for (var i = 0; i < read; i++) Process(in buffer[i], row, output, nanosecondsPerTimestamp);
                _ticks += read;
                if (!measuring && _ticks >= _options.WarmUpTicks)
                {
                    measuring = true;
                    measuredFrom = _ticks;
                    bookEventsFrom = _book?.Events ?? 0;
                    allocatedAtStart = GC.GetAllocatedBytesForCurrentThread();
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Cancelled while the source waited: stop like a cancel between batches.
        }
        catch (Exception e)
        {
            _hotFailure = e;
        }
        finally
        {
            if (measuring)
            {
                _allocatedBytes = GC.GetAllocatedBytesForCurrentThread() - allocatedAtStart;
                _measuredTicks = _ticks - measuredFrom;
                _measuredBookEvents = (_book?.Events ?? 0) - bookEventsFrom;
            }
            _hotSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            _hotDone = true;
        }
    }

    private void Process(in Tick tick, double[] row, double[] output, double nanosecondsPerTimestamp)
    {
        var began = Stopwatch.GetTimestamp();
        if (Judge(in tick) is { } reason)
        {
            _rejected[(int)reason]++;
            _rejectedRing.TryWrite(new RejectedTick(tick, reason));
            return;
        }
        TickColumns.Fill(in tick, row);
        if (_book is not null)
        {
            // Book events stamped at or before the trade come first: the exchange-time merge of the two streams.
            _book.AdvanceTo(tick.TimeMicros);
            BookColumns.Fill(_book.Book, row.AsSpan(TickColumns.Names.Count));
        }
        var features = _evaluator.Update(row);
        var model = Volatile.Read(ref _model);
        if (_versionsUsed.Count == 0 || _versionsUsed[^1] != model.Version) _versionsUsed.Add(model.Version);
        model.Predict(features, output);
        var score = output[0];

        for (var f = 0; f < _adwins.Length; f++)
        {
            var value = features[f];
            if (!double.IsFinite(value)) continue;
            var adwin = _adwins[f];
            if (!adwin.Update(value)) continue;
            if (_decisionCount - _lastDriftTick[f] < _options.DriftCooldownTicks) _driftCutsInCooldown++;
            else if (_driftRing.TryWrite(new DriftNotice(f, tick.TradeId, model.Version, adwin.Mean, adwin.Width))) _lastDriftTick[f] = _decisionCount;
            else _driftNoticesSkipped++;
        }

        var slot = _decisionRing.TryClaim();
        if (slot < 0) slot = WaitForSlot();
        Fill(_decisionRing, slot, in tick, model, score, features);

        if (_explanationRing is not null && (SampleDue() || score >= _options.ShapFlagThreshold))
        {
            var explanationSlot = _explanationRing.TryClaim();
            if (explanationSlot < 0) _explanationsSkipped++;
            else Fill(_explanationRing, explanationSlot, in tick, model, score, features);
        }
        _decisionCount++;
        _latency.Record((long)((Stopwatch.GetTimestamp() - began) * nanosecondsPerTimestamp));
    }

    private bool SampleDue()
    {
        if (_options.ShapEvery == 0 || ++_sinceSample < _options.ShapEvery) return false;
        _sinceSample = 0;
        return true;
    }

    private TickRejection? Judge(in Tick tick)
    {
        if (!double.IsFinite(tick.Price)) return TickRejection.NonFinitePrice;
        if (tick.Price <= 0) return TickRejection.NonPositivePrice;
        if (!double.IsFinite(tick.Quantity)) return TickRejection.NonFiniteQuantity;
        if (tick.Quantity <= 0) return TickRejection.NonPositiveQuantity;
        if (_haveTradeId)
        {
            if (tick.TradeId == _lastTradeId) return TickRejection.DuplicateTradeId;
            if (tick.TradeId < _lastTradeId) return TickRejection.OutOfOrderTradeId;
        }
        _lastTradeId = tick.TradeId;
        _haveTradeId = true;
        return null;
    }

    private static void Fill(DecisionRing ring, int slot, in Tick tick, LoadedModel model, double score, ReadOnlySpan<double> features)
    {
        ring.TradeIds[slot] = tick.TradeId;
        ring.Times[slot] = tick.TimeMicros;
        ring.Models[slot] = model;
        ring.Scores[slot] = score;
        features.CopyTo(ring.FeaturesOf(slot));
        ring.Publish();
    }

    /// <summary>The decision ring is full: wait for the writer (never drop), counting the stall.</summary>
    private int WaitForSlot()
    {
        _stalls++;
        var spin = new SpinWait();
        int slot;
        while ((slot = _decisionRing.TryClaim()) < 0)
        {
            if (_failed) throw new InvalidOperationException("the decision writer stopped", _writerFailure);
            spin.SpinOnce();
        }
        return slot;
    }

    private void WriterLoop()
    {
        var lastCommit = Stopwatch.GetTimestamp();
        var lastRejectionLog = lastCommit;
        var rejections = new RejectionReport();
        long uncommitted = 0;
        try
        {
            while (true)
            {
                // Read the flag before draining: whatever the hot thread published before setting it is then seen.
                var done = _hotDone;
                var count = _decisionRing.Pending(out var first);
                var released = 0;
                for (var k = 0; k < count; k++)
                {
                    var slot = _decisionRing.SlotAfter(first, k);
                    _decisions.Append(_decisionRing.TradeIds[slot], _decisionRing.Times[slot], _decisionRing.Models[slot].Version,
                        _decisionRing.Scores[slot], _decisionRing.FeaturesOf(slot));
                    // A full ring is drained in one pass of tens of milliseconds; giving slots back as it goes lets a
                    // waiting hot thread resume after a sliver of that instead of all of it.
                    if (k + 1 - released == ReleaseEvery)
                    {
                        _decisionRing.Release(ReleaseEvery);
                        released = k + 1;
                    }
                }
                _decisionRing.Release(count - released);
                uncommitted += count;
                RecordDrift();
                while (_rejectedRing.TryRead(out var rejected)) rejections.Add(rejected);
                if (Stopwatch.GetElapsedTime(lastRejectionLog) >= RejectionLogInterval)
                {
                    rejections.WriteTo(_log);
                    lastRejectionLog = Stopwatch.GetTimestamp();
                }
                var idle = count == 0;
                if (uncommitted > 0 && ((done && idle) || uncommitted >= _options.CommitRows || Stopwatch.GetElapsedTime(lastCommit) >= _options.CommitInterval))
                {
                    _decisions.Commit();
                    uncommitted = 0;
                    lastCommit = Stopwatch.GetTimestamp();
                }
                if (!idle) continue;
                if (done) break;
                Thread.Sleep(1);
            }
            rejections.WriteTo(_log);
        }
        catch (Exception e)
        {
            _writerFailure = e;
            _failed = true;
        }
    }

    private void RecordDrift()
    {
        List<DriftEvent>? events = null;
        while (_driftRing.TryRead(out var notice))
        {
            var feature = _features.Names[notice.Feature];
            (events ??= []).Add(new DriftEvent(_model.Name, feature, "adwin", notice.WindowMean, "MEDIUM", string.Create(CultureInfo.InvariantCulture,
                $"ADWIN (delta {_options.AdwinDelta}) cut the window of '{feature}' at trade {notice.TradeId} (model v{notice.ModelVersion}): the {notice.WindowWidth} newest values have mean {notice.WindowMean:G6}")));
        }
        if (events is null) return;
        _drift.Record(events);
        _driftEvents += events.Count;
    }

    private void ExplainerLoop()
    {
        var ring = _explanationRing!;
        var writer = _explanations!;
        var top = new FeatureContribution[_options.ShapTop];
        var contributions = Array.Empty<double>();
        var lastCommit = Stopwatch.GetTimestamp();
        var uncommitted = false;
        try
        {
            while (true)
            {
                var done = _hotDone;
                var count = ring.Pending(out var first);
                for (var k = 0; k < count; k++)
                {
                    var slot = ring.SlotAfter(first, k);
                    var model = ring.Models[slot];
                    // A model scored by ONNX Runtime has no TreeSHAP; its sampled rows pass unexplained.
                    if (model.Explainer is not { } explainer) continue;
                    if (contributions.Length != explainer.ContributionLength) contributions = new double[explainer.ContributionLength];
                    explainer.Explain(ring.FeaturesOf(slot), contributions);
                    var n = TreeShapExplainer.TopContributions(contributions.AsSpan(0, explainer.FeatureCount), _options.ShapTop, top);
                    for (var r = 0; r < n; r++)
                        writer.Append(ring.TradeIds[slot], model.Version, model.FeatureNames[top[r].Feature], top[r].Value, r + 1);
                    _explained++;
                    uncommitted = true;
                }
                ring.Release(count);
                var idle = count == 0;
                if (uncommitted && ((done && idle) || Stopwatch.GetElapsedTime(lastCommit) >= _options.CommitInterval))
                {
                    writer.Commit();
                    uncommitted = false;
                    lastCommit = Stopwatch.GetTimestamp();
                }
                if (!idle) continue;
                if (done) break;
                Thread.Sleep(1);
            }
        }
        catch (Exception e)
        {
            _explainerFailure = e;
            _failed = true;
        }
    }

    /// <summary>Skipped ticks gathered between log lines, so a flood of bad ticks costs one line per interval.</summary>
    private sealed class RejectionReport
    {
        private RejectedTick _first;
        private long _count;

        public void Add(in RejectedTick rejected)
        {
            if (_count++ == 0) _first = rejected;
        }

        public void WriteTo(ILogger log)
        {
            if (_count == 0) return;
            log.Warning("Skipped {Count} tick(s) since the last report; the first: trade {TradeId} ({Reason}, price {Price}, quantity {Quantity})",
                _count, _first.Tick.TradeId, TickRejectionNames.Of(_first.Reason), _first.Tick.Price, _first.Tick.Quantity);
            _count = 0;
        }
    }
}
