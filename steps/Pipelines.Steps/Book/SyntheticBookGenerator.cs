using Pipelines.Steps.Ingest.BookRecording;
using Pipelines.Learning.Data;
using Pipelines.Steps.Ingest.Binance;
using Pipelines.Steps.Ticks;

namespace Pipelines.Steps.Book;

/// <summary>
/// A seeded order book, trades and book ticker derived from one-minute bars, written as hourly segments in the shared
/// segment format, because Binance publishes no free historical spot book. How each part is drawn (docs/order-book.md
/// says the same at length):
/// <list type="bullet">
/// <item>Mid: per bar, <see cref="SyntheticBookOptions.EventsPerBar"/> depth events at evenly spaced times; the mid at
/// each walks the bar in three legs open → first extreme → other extreme → close (low first on a rising bar) with a
/// uniform jitter of ±5% of the range, clamped to [low, high].</item>
/// <item>Levels: each side is a grid of <see cref="SyntheticBookOptions.LevelsPerSide"/> prices spaced g apart
/// (<see cref="SyntheticBookOptions.LevelSpacingBps"/> of the first close, whole cents). Spread in levels:
/// 1 + ⌊E · 0.02 · range_bps / spacing_bps⌋ with E ~ Exp(1) (at most a quarter of the levels), so wide bars have wide spreads. The best bid is the grid
/// price at or below mid − spread/2; the best ask is the best bid plus the spread.</item>
/// <item>Queues: level k (0 = best) of a new level holds u·(1 + 0.2k)·L, L ~ LogNormal(0, 0.5), u = bar volume / 100.
/// At every event the top five levels per side are redrawn that way and scaled by e^(±lean·d) (d the sign of the
/// next mid move: bids grow before a rise, asks before a fall); four random deeper levels per side change by a
/// factor LogNormal(0, 0.3); when the mid moves, levels leave the grid at one end (quantity 0) and new ones enter at
/// the other. Quantities are whole lots of 0.00001.</item>
/// <item>Trades: <see cref="SyntheticBookOptions.TradesPerBar"/> per bar between the events, at the best ask (taker
/// buy) or best bid (taker sell) of the book at that moment; a buy with probability 0.5 + 0.3·d, clamped to
/// [0.1, 0.9]; quantity u·100/trades · Exp(1) lots.</item>
/// <item>Update ids run on contiguously (each event's U is the previous u + 1, u − U + 1 = its changed levels);
/// receive times are exchange times plus 1–3 ms. Every hour starts a segment with a snapshot of the book as of the
/// last update id, so each segment replays on its own.</item>
/// </list>
/// </summary>
public sealed class SyntheticBookGenerator
{
    /// <summary>What the generator writes as quality.json's "source".</summary>
    public const string Source = "synthetic";

    private const long MicrosPerMinute = 60_000_000;
    private const long MicrosPerHour = 3_600_000_000;
    private const long CentUnits = FixedPointDecimal.Scale / 100;
    private const long LotUnits = FixedPointDecimal.Scale / 100_000;
    private const int LeaningLevels = 5;
    private const int PerturbedLevels = 4;

    private readonly MinuteBar[] _bars;
    private readonly SyntheticBookOptions _options;
    private readonly long _grid;
    private readonly int _levels;
    private readonly long[] _bidQuantities;
    private readonly long[] _askQuantities;
    private readonly long[] _nextQuantities;
    private readonly List<PriceLevel> _bidChanges = [];
    private readonly List<PriceLevel> _askChanges = [];
    private SplitMix64 _random;
    private long _bestBid;
    private long _bestAsk;
    private long _lastUpdateId;
    private long _nextTradeId = 1;

    public SyntheticBookGenerator(IReadOnlyList<MinuteBar> bars, SyntheticBookOptions options)
    {
        ArgumentNullException.ThrowIfNull(bars);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _bars = (options.MaxBars is { } max ? bars.Take(max) : bars).ToArray();
        if (_bars.Length == 0) throw new ArgumentException("there are no bars to derive a book from", nameof(bars));
        _options = options;
        _levels = options.LevelsPerSide;
        _grid = Math.Max(1, (long)Math.Round(_bars[0].Close * options.LevelSpacingBps / 10_000 * 100)) * CentUnits;
        _bidQuantities = new long[_levels];
        _askQuantities = new long[_levels];
        _nextQuantities = new long[_levels];
        _random = new SplitMix64(options.Seed);
    }

    /// <summary>Price distance between neighbouring levels, in fixed-point units.</summary>
    public long LevelSpacingUnits => _grid;

    /// <summary>Writes every segment under <c>&lt;root&gt;/&lt;SYMBOL&gt;/</c>, which must not hold segments of the same hours.</summary>
    public SyntheticBookSummary Write(string root, CancellationToken cancellationToken = default)
    {
        var symbolDirectory = BookSegment.SymbolDirectory(root, _options.Symbol);
        Directory.CreateDirectory(symbolDirectory);

        var first = _bars[0];
        _lastUpdateId = 1_000_000;
        var unit = Unit(first);
        InitialBook(first.Open, unit);
        BookSegmentWriter? segment = null;
        var segmentHour = long.MinValue;
        int segments = 0;
        long events = 0, levels = 0, trades = 0;
        var firstUpdateId = _lastUpdateId + 1;
        var mids = new double[_options.EventsPerBar + 1];

        try
        {
            for (var b = 0; b < _bars.Length; b++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var bar = _bars[b];
                unit = Unit(bar);
                BarMids(bar, mids);
                // The mid after the bar's last event is the next bar's open: the lean looks one event ahead.
                mids[^1] = b + 1 < _bars.Length ? _bars[b + 1].Open : bar.Close;
                var rangeBps = bar.Close > 0 ? (bar.High - bar.Low) / bar.Close * 10_000 : 0;
                var e = 0;
                var t = 0;
                var eventCount = _options.EventsPerBar;
                var tradeCount = _options.TradesPerBar;
                while (e < eventCount || t < tradeCount)
                {
                    var eventTime = e < eventCount ? bar.OpenTimeMicros + (e + 1) * MicrosPerMinute / (eventCount + 1) : long.MaxValue;
                    var tradeTime = t < tradeCount ? bar.OpenTimeMicros + (2 * t + 1) * MicrosPerMinute / (2 * tradeCount) + 7 : long.MaxValue;
                    var time = Math.Min(eventTime, tradeTime);
                    var hour = time - time % MicrosPerHour;
                    if (segment is null || segmentHour != hour)
                    {
                        if (segment is not null)
                        {
                            Publish(segment, symbolDirectory);
                            segments++;
                        }
                        segment = new BookSegmentWriter(root, _options.Symbol, EpochTime.ToDateTime(hour), Source);
                        segmentHour = hour;
                        var (bids, asks) = Levels();
                        segment.AppendCarriedBook(_lastUpdateId, bids, asks, hour);
                    }
                    if (eventTime <= tradeTime)
                    {
                        var direction = Math.Sign(mids[e + 1] - mids[e]);
                        var changed = Step(mids[e], direction, rangeBps, unit);
                        var firstId = _lastUpdateId + 1;
                        var lastId = firstId + Math.Max(changed, 1) - 1;
                        segment.AppendDepth(firstId, lastId, eventTime,
                            System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_bidChanges), System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_askChanges),
                            Received(eventTime));
                        _lastUpdateId = lastId;
                        segment.AppendBookTicker(new BookTicker(lastId, _bestBid, _bidQuantities[0], _bestAsk, _askQuantities[0], Received(eventTime)));
                        events++;
                        levels += changed;
                        e++;
                    }
                    else
                    {
                        // The move ahead: from the book's mid now to the next event's (after the bar's last event, the next bar's open).
                        var direction = Math.Sign(mids[e] * FixedPointDecimal.Scale - (_bestBid + _bestAsk) / 2.0);
                        var buyProbability = Math.Clamp(0.5 + 0.3 * direction, 0.1, 0.9);
                        var buy = _random.NextUniform() < buyProbability;
                        var quantity = Lots(unit * 100.0 / tradeCount * -Math.Log(1.0 - _random.NextUniform()));
                        segment.AppendTrade(new RecordedTrade(_nextTradeId++, tradeTime, Received(tradeTime), buy ? _bestAsk : _bestBid, quantity, BuyerIsMaker: !buy));
                        trades++;
                        t++;
                    }
                }
            }
        }
        catch
        {
            // A segment cut short by an error or a cancellation is not written.
            segment?.Dispose();
            throw;
        }
        if (segment is not null)
        {
            Publish(segment, symbolDirectory);
            segments++;
        }
        return new SyntheticBookSummary(symbolDirectory, segments, events, levels, trades, firstUpdateId, _lastUpdateId);
    }

    /// <summary>
    /// Closes the segment under its hour's plain name. The writer would take the next part number if the hour were
    /// there already, which would interleave two generations of one hour; the caller must clear the hours first.
    /// </summary>
    private static void Publish(BookSegmentWriter segment, string symbolDirectory)
    {
        var written = segment.Close() ?? throw new InvalidOperationException("a synthetic segment always holds its starting book");
        if (written.Part == 0) return;
        Directory.Delete(written.Directory, recursive: true);
        throw new IOException($"segment {Path.Combine(symbolDirectory, BookSegment.SegmentName(written.HourUtc, 0))} exists already; write into an empty directory");
    }

    private static double Unit(in MinuteBar bar) => Math.Max(bar.Volume / 100.0, 0.001);

    private long Received(long exchangeTime) => exchangeTime + 1_000 + _random.NextInt(2_000);

    private void InitialBook(double mid, double unit)
    {
        Place(mid, 1);
        for (var k = 0; k < _levels; k++)
        {
            _bidQuantities[k] = Draw(k, unit, 1.0);
            _askQuantities[k] = Draw(k, unit, 1.0);
        }
    }

    private (PriceLevel[] Bids, PriceLevel[] Asks) Levels()
    {
        var bids = new PriceLevel[_levels];
        var asks = new PriceLevel[_levels];
        for (var k = 0; k < _levels; k++)
        {
            bids[k] = new PriceLevel(_bestBid - k * _grid, _bidQuantities[k]);
            asks[k] = new PriceLevel(_bestAsk + k * _grid, _askQuantities[k]);
        }
        return (bids, asks);
    }

    /// <summary>Moves the book to the new mid and redraws its queues; returns the number of changed levels, left in the change lists.</summary>
    private int Step(double mid, int direction, double rangeBps, double unit)
    {
        var drawn = -Math.Log(1.0 - _random.NextUniform()) * 0.02 * rangeBps / _options.LevelSpacingBps;
        // At most a quarter of the grid, so a wild bar cannot empty the book.
        var spread = 1 + (long)Math.Min(Math.Floor(drawn), _levels / 4);
        var oldBid = _bestBid;
        var oldAsk = _bestAsk;
        Place(mid, spread);
        var lean = Math.Exp(_options.Lean * direction);
        _bidChanges.Clear();
        _askChanges.Clear();
        // Bid level k sits at best − k·g: the old level at the same price had index k + (new best − old best)/g.
        Move(_bidQuantities, oldBid, _bestBid, -_grid, lean, unit, _bidChanges);
        Move(_askQuantities, oldAsk, _bestAsk, _grid, 1.0 / lean, unit, _askChanges);
        return _bidChanges.Count + _askChanges.Count;
    }

    private void Place(double mid, long spread)
    {
        var midUnits = (long)Math.Round(mid * FixedPointDecimal.Scale);
        var bid = midUnits - spread * _grid / 2;
        _bestBid = bid - ((bid % _grid) + _grid) % _grid;
        _bestAsk = _bestBid + spread * _grid;
    }

    private void Move(long[] quantities, long oldBest, long newBest, long step, double lean, double unit, List<PriceLevel> changes)
    {
        var shift = (newBest - oldBest) / step; // levels the best moved outwards (negative: inwards)
        for (var k = 0; k < _levels; k++)
        {
            var old = k + shift;
            _nextQuantities[k] = old >= 0 && old < _levels ? quantities[old] : Draw(k, unit, 1.0);
        }
        for (var k = 0; k < LeaningLevels; k++) _nextQuantities[k] = Draw(k, unit, lean);
        for (var p = 0; p < PerturbedLevels; p++)
        {
            var k = LeaningLevels + _random.NextInt(_levels - LeaningLevels);
            _nextQuantities[k] = Math.Max(LotUnits, (long)(_nextQuantities[k] * LogNormal(0.3)) / LotUnits * LotUnits);
        }
        // Old levels that left the grid are removed; new or changed ones are sent with their quantity.
        for (var old = 0; old < _levels; old++)
        {
            var k = old - shift;
            if (k < 0 || k >= _levels) changes.Add(new PriceLevel(oldBest + old * step, 0));
        }
        for (var k = 0; k < _levels; k++)
        {
            var old = k + shift;
            var unchanged = old >= 0 && old < _levels && quantities[old] == _nextQuantities[k];
            if (!unchanged) changes.Add(new PriceLevel(newBest + k * step, _nextQuantities[k]));
        }
        Array.Copy(_nextQuantities, quantities, _levels);
    }

    private long Draw(int level, double unit, double scale) => Lots(unit * (1 + 0.2 * level) * LogNormal(0.5) * scale);

    private static long Lots(double quantity) => Math.Max(1, (long)Math.Round(quantity * 100_000)) * LotUnits;

    private double LogNormal(double sigma)
    {
        // Box–Muller; 1 − u lies in (0, 1], so the logarithm is finite.
        var u = 1.0 - _random.NextUniform();
        var v = _random.NextUniform();
        return Math.Exp(sigma * Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v));
    }

    private void BarMids(in MinuteBar bar, double[] mids)
    {
        var n = _options.EventsPerBar;
        var up = bar.Close >= bar.Open;
        var (a, b) = up ? (bar.Low, bar.High) : (bar.High, bar.Low);
        var range = bar.High - bar.Low;
        for (var k = 0; k < n; k++)
        {
            var f = (k + 1.0) / (n + 1);
            var along = f < 1.0 / 3 ? bar.Open + (a - bar.Open) * f * 3
                : f < 2.0 / 3 ? a + (b - a) * (f - 1.0 / 3) * 3
                : b + (bar.Close - b) * (f - 2.0 / 3) * 3;
            var jitter = (2 * _random.NextUniform() - 1) * 0.05 * range;
            mids[k] = Math.Clamp(along + jitter, bar.Low, bar.High);
        }
    }
}
