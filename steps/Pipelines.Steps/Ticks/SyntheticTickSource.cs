using Pipelines.Learning.Data;

namespace Pipelines.Steps.Ticks;

/// <summary>
/// A seeded, endless stream of plausible trades derived from one-minute bars, for benchmarks and tests of the tick
/// path. Each bar with volume becomes <see cref="TradesPerBar"/> trades:
/// <list type="bullet">
/// <item>Prices walk in three straight legs from the open to the first extreme, to the other extreme, to the close
/// (low first on a bar that closed at or above its open, high first otherwise). The first trade is at the open, the
/// trades a third and two thirds of the way through are at the extremes, the last is at the close; the others get
/// a uniform jitter of ±5% of the bar's range, clamped to [low, high].</item>
/// <item>Quantities are exponentially distributed weights scaled so that the bar's trades sum to its volume.</item>
/// <item>The taker-buy share s is taker_buy_base / volume when the bars carry it. The bundled sample does not, so it
/// is assumed to follow the bar's body: s = 0.5 + 0.5 (close − open) / (high − low), clamped to [0.05, 0.95]
/// (0.5 when high = low). round(s·n) trades, chosen at random, are taker buys (kept at least one of each side
/// when 0 &lt; s &lt; 1); buys' quantities sum to s·volume and sells' to (1 − s)·volume.</item>
/// <item>Trade ids rise by one per trade; times spread the trades evenly over the bar's minute. Bars without volume
/// yield no trades. After the last bar the stream starts over at the first, shifted by the bars' time span, with the
/// generator continuing (so a second pass differs in detail, not in shape).</item>
/// </list>
/// Reads fill the caller's buffer synchronously and allocate nothing.
/// </summary>
public sealed class SyntheticTickSource : ITickSource
{
    /// <summary>Half-width of the price jitter between a bar's fixed points, as a fraction of its range.</summary>
    public const double JitterFraction = 0.05;

    private const long MicrosPerMinute = 60_000_000;
    private const double MinimumBuyShare = 0.05;
    private const double MaximumBuyShare = 0.95;

    private readonly MinuteBar[] _bars;
    private readonly long? _maxTicks;
    private readonly long _passSpanMicros;
    private readonly Tick[] _barTrades;
    private readonly double[] _weights;
    private readonly int[] _order;
    private SplitMix64 _random;
    private int _nextBar;
    private long _passOffsetMicros;
    private int _served;
    private int _generated;
    private long _nextTradeId;
    private long _produced;

    /// <param name="bars">Bars in time order (e.g. from <see cref="MinuteBarCsv.Read"/>); at least one needs volume.</param>
    /// <param name="tradesPerBar">Trades generated per bar with volume; at least 4 (open, two extremes, close).</param>
    /// <param name="seed">Seed of the jitter, quantities and sides.</param>
    /// <param name="maxTicks">Ticks after which the stream ends; null for an endless stream.</param>
    /// <param name="firstTradeId">Id of the first trade.</param>
    public SyntheticTickSource(IReadOnlyList<MinuteBar> bars, int tradesPerBar = 32, ulong seed = 1, long? maxTicks = null, long firstTradeId = 1)
    {
        ArgumentNullException.ThrowIfNull(bars);
        if (tradesPerBar < 4) throw new ArgumentOutOfRangeException(nameof(tradesPerBar), tradesPerBar, "needs at least 4 trades per bar");
        if (maxTicks is < 0) throw new ArgumentOutOfRangeException(nameof(maxTicks), maxTicks, "must not be negative");
        _bars = bars.ToArray();
        if (!_bars.Any(b => b.Volume > 0)) throw new ArgumentException("no bar has volume, so there is nothing to trade", nameof(bars));
        for (var i = 1; i < _bars.Length; i++)
            if (_bars[i].OpenTimeMicros <= _bars[i - 1].OpenTimeMicros)
                throw new ArgumentException($"bar {i} does not start after bar {i - 1}", nameof(bars));
        TradesPerBar = tradesPerBar;
        _maxTicks = maxTicks;
        _passSpanMicros = _bars[^1].OpenTimeMicros + MicrosPerMinute - _bars[0].OpenTimeMicros;
        _barTrades = new Tick[tradesPerBar];
        _weights = new double[tradesPerBar];
        _order = new int[tradesPerBar];
        _random = new SplitMix64(seed);
        _nextTradeId = firstTradeId;
        Name = $"synthetic ticks from {_bars.Length} one-minute bars ({tradesPerBar} trades per bar, seed {seed})";
    }

    /// <summary>A source over the bars of a CSV file such as samples/btcusdt-1m-2023-03-01-to-21.csv.</summary>
    public static SyntheticTickSource FromCsv(string path, int tradesPerBar = 32, ulong seed = 1, long? maxTicks = null) =>
        new(MinuteBarCsv.Read(path), tradesPerBar, seed, maxTicks);

    public string Name { get; }

    public int TradesPerBar { get; }

    public TickSourceCounters Counters { get; } = new();

    public ValueTask<int> ReadAsync(Memory<Tick> buffer, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested) return ValueTask.FromCanceled<int>(cancellationToken);
        var span = buffer.Span;
        var count = 0;
        while (count < span.Length && (_maxTicks is not { } max || _produced < max))
        {
            if (_served == _generated) GenerateNextBar();
            span[count++] = _barTrades[_served++];
            _produced++;
        }
        return new ValueTask<int>(count);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private void GenerateNextBar()
    {
        MinuteBar bar;
        do
        {
            if (_nextBar == _bars.Length)
            {
                _nextBar = 0;
                _passOffsetMicros += _passSpanMicros;
            }
            bar = _bars[_nextBar++];
        } while (!(bar.Volume > 0));

        var n = TradesPerBar;
        var firstExtreme = (n - 1) / 3;
        var secondExtreme = 2 * (n - 1) / 3;
        var upBar = bar.Close >= bar.Open;
        var (extremeA, extremeB) = upBar ? (bar.Low, bar.High) : (bar.High, bar.Low);
        var range = bar.High - bar.Low;
        var buyShare = BuyShare(bar);
        var buys = (int)Math.Round(buyShare * n);
        if (buyShare > 0 && buys == 0) buys = 1;
        if (buyShare < 1 && buys == n) buys = n - 1;

        // Partial Fisher–Yates: the first `buys` entries of _order are the taker-buy trades.
        for (var i = 0; i < n; i++) _order[i] = i;
        for (var i = 0; i < buys; i++)
        {
            var j = i + _random.NextInt(n - i);
            (_order[i], _order[j]) = (_order[j], _order[i]);
        }
        double buyWeight = 0, sellWeight = 0;
        for (var i = 0; i < n; i++)
        {
            // 1 - u lies in (0, 1], so the weight is finite; the floor keeps every quantity positive.
            var weight = -Math.Log(1.0 - _random.NextUniform()) + 1e-3;
            _weights[_order[i]] = i < buys ? weight : -weight;
            if (i < buys) buyWeight += weight;
            else sellWeight += weight;
        }

        var buyVolume = buyShare * bar.Volume;
        var sellVolume = bar.Volume - buyVolume;
        for (var i = 0; i < n; i++)
        {
            double price;
            if (i == 0) price = bar.Open;
            else if (i == firstExtreme) price = extremeA;
            else if (i == secondExtreme) price = extremeB;
            else if (i == n - 1) price = bar.Close;
            else
            {
                var (from, to, start, end) = i < firstExtreme ? (bar.Open, extremeA, 0, firstExtreme)
                    : i < secondExtreme ? (extremeA, extremeB, firstExtreme, secondExtreme)
                    : (extremeB, bar.Close, secondExtreme, n - 1);
                var along = from + (to - from) * (i - start) / (end - start);
                var jitter = (2 * _random.NextUniform() - 1) * JitterFraction * range;
                price = Math.Clamp(along + jitter, bar.Low, bar.High);
            }
            var weight = _weights[i];
            var isBuy = weight > 0;
            var quantity = isBuy ? buyVolume * weight / buyWeight : sellVolume * -weight / sellWeight;
            var time = bar.OpenTimeMicros + _passOffsetMicros + (long)((i + 0.5) * MicrosPerMinute / n);
            // A taker buy means the seller was the maker.
            _barTrades[i] = new Tick(_nextTradeId++, time, price, quantity, IsBuyerMaker: !isBuy);
        }
        _generated = n;
        _served = 0;
    }

    /// <summary>The taker-buy share of a bar's volume: recorded, or assumed from the bar's body (see the class remarks).</summary>
    public static double BuyShare(in MinuteBar bar)
    {
        if (!double.IsNaN(bar.TakerBuyBase)) return bar.Volume > 0 ? Math.Clamp(bar.TakerBuyBase / bar.Volume, 0, 1) : 0.5;
        var range = bar.High - bar.Low;
        if (!(range > 0)) return 0.5;
        return Math.Clamp(0.5 + 0.5 * (bar.Close - bar.Open) / range, MinimumBuyShare, MaximumBuyShare);
    }
}
