using System.Diagnostics;
using Pipelines.Engine.Storage;
using Pipelines.Learning.Data;
using Pipelines.Learning.Features;
using Pipelines.Learning.LightGbm;
using Pipelines.Learning.Trees;
using Pipelines.Steps.Book;
using Pipelines.Steps.Inference;
using Pipelines.Steps.Ingest.Binance;
using Pipelines.Steps.Ticks;
using Serilog.Core;

namespace Pipelines.Cli.Bench;

/// <summary>
/// The order book's hot-path figures:
/// <list type="bullet">
/// <item>Book update: one diff event of 20 changed levels (10 per side: updates, removals and insertions among the
/// top 120 price steps) applied through <see cref="DepthBookSynchronizer"/> to a book of 1,000 levels per side,
/// each event timed on its own (the timer's own cost, tens of ns, included).</item>
/// <item>Book features: after each of those events, the book row filled from the book and the streaming
/// evaluator updated with the order-flow pipeline's twelve book and trade features, timed per update.</item>
/// <item>Book tick path: the tick loop over the trades of a synthetic book (derived from the bundled bars) with the
/// book replayed beside them in exchange-time order, a 200-tree model on those features, every decision persisted:
/// per-trade latency (including the book events merged before it), events (trades + book events) per second and
/// the hot thread's bytes per event.</item>
/// </list>
/// </summary>
public static class BookHotPathBenchmark
{
    public const int LevelsPerSide = 1_000;
    public const int ChangedLevels = 20;

    public static readonly IReadOnlyList<string> FeatureNames =
    [
        "ret_1", "trade_flow_imbalance_20", "spread_bps", "bid_depth_5", "ask_depth_5", "book_imbalance_1", "book_imbalance_5",
        "book_imbalance_5_20", "book_pressure_10", "order_imbalance_20", "bid_depth_within_5bps", "ask_depth_within_5bps",
    ];

    public sealed record Result(
        long UpdateP50Ns, long UpdateP99Ns, int BookLevelsPerSide, long UpdateEvents,
        long FeaturesP50Ns, long FeaturesP95Ns, long FeaturesP99Ns,
        TickLoopResult Tick, long DecisionsStored, int Trades, int DepthEvents);

    public static Result Run(int events = 200_000, int bars = 7_200, string? directory = null)
    {
        var (updateP50, updateP99, featuresP50, featuresP95, featuresP99) = MeasureUpdatesAndFeatures(events);
        var root = directory is null
            ? Directory.CreateTempSubdirectory("pipelines-book-hotpath-")
            : Directory.CreateDirectory(Path.Combine(directory, $"pipelines-book-hotpath-{Guid.NewGuid():N}"));
        try
        {
            new SyntheticBookGenerator(MinuteBarCsv.Read(HotPathModel.BarsPath()), new SyntheticBookOptions { MaxBars = bars, Seed = 1 })
                .Write(Path.Combine(root.FullName, "book"));
            var data = BookReplayData.Load(Path.Combine(root.FullName, "book"), "BTCUSDT");
            var features = FeatureSet.FromNames(FeatureNames, "time");
            var model = Train(data, features);
            using var store = PipelineStore.Open(Path.Combine(root.FullName, ".pipelines"), TimeSpan.Zero);
            var decisionLog = new StoreDecisionLog(store, "bench", "book-tick");
            using var decisions = decisionLog.OpenDecisions("book-hotpath", FeatureNames);
            using var explanations = decisionLog.OpenExplanations("book-hotpath");
            var loop = new TickInferenceLoop(new BookSegmentTradeSource(data), features, new LoadedModel("book-hotpath", 1, model), decisions, explanations,
                new StoreDriftLog(store, "bench", "book-tick"), Logger.None,
                new TickLoopOptions { ShapEvery = 1000, WarmUpTicks = Math.Min(10_000, data.Trades.Length / 10) }, new BookReplay(data));
            var tick = loop.Run(CancellationToken.None);
            return new Result(updateP50, updateP99, LevelsPerSide, events, featuresP50, featuresP95, featuresP99, tick, store.Count("decisions"),
                data.Trades.Length, data.EventCount);
        }
        finally
        {
            try { root.Delete(recursive: true); }
            catch (IOException) { }
        }
    }

    /// <summary>A 200-tree, 31-leaf binary model on the first half of the trades: is the price higher 10 trades later?</summary>
    private static TreeEnsembleModel Train(BookReplayData data, FeatureSet features)
    {
        IReadOnlyList<string> columns = [.. TickColumns.Names, .. BookColumns.Names];
        var evaluator = new StreamingFeatureEvaluator(features, columns);
        var replay = new BookReplay(data);
        var row = new double[columns.Count];
        var rows = Math.Min(data.Trades.Length / 2, 60_000);
        var values = new double[rows * features.Names.Count];
        var labels = new double[rows];
        for (var t = 0; t < rows; t++)
        {
            replay.AdvanceTo(data.Trades[t].TimeMicros);
            TickColumns.Fill(in data.Trades[t], row);
            BookColumns.Fill(replay.Book, row.AsSpan(TickColumns.Names.Count));
            evaluator.Update(row).CopyTo(values.AsSpan(t * features.Names.Count));
            labels[t] = data.Trades[t + 10].Price > data.Trades[t].Price ? 1 : 0;
        }
        return LightGbmTrainer.TrainEnsemble(new DenseDataset(values, rows, features.Names, labels), new Dictionary<string, string>
        {
            ["objective"] = "binary", ["num_iterations"] = $"{HotPathModel.Trees}", ["num_leaves"] = $"{HotPathModel.Leaves}", ["learning_rate"] = "0.05",
            ["min_data_in_leaf"] = "20", ["num_threads"] = "2", ["seed"] = "1",
        });
    }

    private static (long UpdateP50, long UpdateP99, long FeaturesP50, long FeaturesP95, long FeaturesP99) MeasureUpdatesAndFeatures(int events)
    {
        var (snapshot, diffs) = SyntheticDiffs(events, new SplitMix64(42));
        var synchronizer = new DepthBookSynchronizer(levelsPerSide: 2 * LevelsPerSide);
        synchronizer.OnSnapshot(snapshot);
        var features = FeatureSet.FromNames(FeatureNames, "time");
        IReadOnlyList<string> columns = [.. TickColumns.Names, .. BookColumns.Names];
        var evaluator = new StreamingFeatureEvaluator(features, columns);
        var row = new double[columns.Count];
        var trade = new Tick(1, 0, 20_000.0, 0.01, false);
        var update = new long[events];
        var featureTimes = new long[events];
        // The first tenth runs untimed, so the timed part measures optimised code.
        var warmUp = events / 10;
        for (var i = 0; i < events; i++)
        {
            var start = Stopwatch.GetTimestamp();
            var outcome = synchronizer.OnDepthEvent(diffs[i]);
            var applied = Stopwatch.GetTimestamp();
            TickColumns.Fill(in trade, row);
            BookColumns.Fill(synchronizer.Book, row.AsSpan(TickColumns.Names.Count));
            evaluator.Update(row);
            var done = Stopwatch.GetTimestamp();
            if (outcome != DepthEventOutcome.Applied) throw new InvalidOperationException($"benchmark event {i} was not applied ({outcome})");
            update[i] = applied - start;
            featureTimes[i] = done - applied;
        }
        var count = synchronizer.Book.Bids.Count;
        if (Math.Abs(count - LevelsPerSide) > LevelsPerSide / 10)
            throw new InvalidOperationException($"the benchmark book drifted to {count} bid levels; the figures would not be for a 1,000-level book");
        var u = update[warmUp..];
        var f = featureTimes[warmUp..];
        Array.Sort(u);
        Array.Sort(f);
        return (Ns(u, 0.50), Ns(u, 0.99), Ns(f, 0.50), Ns(f, 0.95), Ns(f, 0.99));
    }

    private static long Ns(long[] sortedTimestamps, double quantile) =>
        (long)Math.Round(sortedTimestamps[(int)Math.Min(sortedTimestamps.Length - 1, quantile * sortedTimestamps.Length)] * 1e9 / Stopwatch.Frequency);

    /// <summary>
    /// A snapshot of 1,000 levels per side on a grid of one cent (the top 120 steps half filled, 940 steps behind them
    /// full) and events of 10 changes per side among the top 120 steps: a present level is removed or requantified
    /// (even odds), an absent one inserted, so the book stays near 1,000 levels per side.
    /// </summary>
    private static (DepthSnapshot Snapshot, DepthDiff[] Diffs) SyntheticDiffs(int events, SplitMix64 random)
    {
        const int region = 120;
        const long cent = FixedPointDecimal.Scale / 100;
        const long bestBid = 20_000 * FixedPointDecimal.Scale;
        const long bestAsk = bestBid + cent;
        var depth = LevelsPerSide - region / 2 + region;
        var bidPresent = new bool[depth];
        var askPresent = new bool[depth];
        for (var k = 0; k < depth; k++) bidPresent[k] = askPresent[k] = k >= region || k % 2 == 0;
        long Quantity(ref SplitMix64 r) => (1 + r.NextInt(100_000)) * 1_000;
        PriceLevel[] Levels(bool[] present, long best, long step, ref SplitMix64 r)
        {
            var list = new List<PriceLevel>();
            for (var k = 0; k < present.Length; k++) if (present[k]) list.Add(new PriceLevel(best + k * step, Quantity(ref r)));
            return list.ToArray();
        }
        var snapshot = new DepthSnapshot(1_000, Levels(bidPresent, bestBid, -cent, ref random), Levels(askPresent, bestAsk, cent, ref random));
        var diffs = new DepthDiff[events];
        var chosen = new HashSet<int>();
        for (var e = 0; e < events; e++)
        {
            var bids = new PriceLevel[ChangedLevels / 2];
            var asks = new PriceLevel[ChangedLevels / 2];
            foreach (var (side, present, best, step) in new[] { (bids, bidPresent, bestBid, -cent), (asks, askPresent, bestAsk, cent) })
            {
                chosen.Clear();
                for (var c = 0; c < side.Length; c++)
                {
                    int k;
                    do k = random.NextInt(region);
                    while (!chosen.Add(k));
                    var price = best + k * step;
                    if (present[k] && random.NextInt(2) == 0) { present[k] = false; side[c] = new PriceLevel(price, 0); }
                    else { present[k] = true; side[c] = new PriceLevel(price, Quantity(ref random)); }
                }
            }
            var id = 1_001L + e;
            diffs[e] = new DepthDiff(id, id, e, bids, asks);
        }
        return (snapshot, diffs);
    }
}
