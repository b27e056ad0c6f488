using Pipelines.Abstractions;
using Pipelines.Learning.Onnx;
using Pipelines.Learning.Trees;
using Pipelines.Steps.Inference;
using Pipelines.Steps.Tests.Support;
using Pipelines.Steps.Ticks;

namespace Pipelines.Steps.Tests.Inference;

public sealed class TickInferenceLoopTests : IDisposable
{
    private readonly StoreStepContext _context = new();
    private readonly List<IDisposable> _writers = [];

    public void Dispose()
    {
        foreach (var writer in _writers) writer.Dispose();
        _context.Dispose();
    }

    private async Task<LoadedModel> Champion(Task<string> modelText)
    {
        var version = _context.RegisterModel("flow", await modelText);
        _context.Registry.Promote("flow", version.Version, "champion", "test");
        return new ChampionWatcher(_context.Registry, _context.OpenArtifact, "flow", "champion", _context.Log).LoadCurrent()!;
    }

    private TickInferenceLoop Loop(ITickSource source, LoadedModel model, TickLoopOptions options)
    {
        var decisions = _context.Decisions.OpenDecisions("flow", TickModels.FeatureNames);
        var explanations = _context.Decisions.OpenExplanations("flow");
        _writers.Add(decisions);
        _writers.Add(explanations);
        return new TickInferenceLoop(source, TickModels.Features, model, decisions, explanations, _context.Drift, _context.Log, options);
    }

    private static SyntheticTickSource Synthetic(long? maxTicks = null) =>
        SyntheticTickSource.FromCsv(RepositoryFiles.SampleKlines, tradesPerBar: 16, seed: 3, maxTicks: maxTicks);

    private long Count(string sql) => Convert.ToInt64(_context.Query(sql)[0][0]);

    [Fact]
    public async Task Every_decision_is_stored_with_its_version_and_the_interpreted_models_score()
    {
        var model = await Champion(TickModels.First);
        var result = Loop(Synthetic(), model, new TickLoopOptions { MaxTicks = 30_000, ShapEvery = 1000 }).Run(default);

        Assert.Equal(30_000, result.Ticks);
        Assert.Equal(30_000, result.Decisions);
        Assert.Equal([1], result.VersionsUsed);
        Assert.Equal(30_000, Count("SELECT count(DISTINCT trade_id) FROM decisions WHERE model_version = 1 AND model = 'flow'"));

        // The stored score is what the interpreted model says about the stored features.
        var interpreted = LightGbmModelReader.Parse(await TickModels.First);
        var output = new double[1];
        foreach (var row in _context.Query("SELECT features[1], features[2], features[3], score FROM decisions WHERE trade_id % 997 = 0"))
        {
            double[] features = [Value(row[0]), Value(row[1]), Value(row[2])];
            interpreted.Predict(features, output);
            Assert.Equal(output[0], (double)row[3]!);
        }

        // Every 1000th decision is explained; with three features the top 10 is all three, and their SHAP values
        // plus the expected value add up to the raw score (the logit of the stored probability).
        Assert.Equal(30, result.Explanations);
        Assert.Equal(0, result.ExplanationsSkipped);
        Assert.Equal(90, Count("SELECT count(*) FROM decision_explanations"));
        var explained = _context.Query("""
            SELECT sum(e.shap_value), any_value(d.score), string_agg(e.rank::VARCHAR, ',' ORDER BY e.rank)
            FROM decision_explanations e JOIN decisions d USING (trade_id) GROUP BY trade_id
            """);
        var expected = new TreeShapExplainer(interpreted).ExpectedValues[0];
        foreach (var row in explained)
        {
            Assert.Equal("1,2,3", row[2]);
            var probability = (double)row[1]!;
            Assert.Equal(Math.Log(probability / (1 - probability)), (double)row[0]! + expected, 6);
        }
    }

    private static double Value(object? stored) => stored is null ? double.NaN : (double)stored;

    [Fact]
    public async Task Bad_ticks_are_counted_logged_and_skipped()
    {
        var model = await Champion(TickModels.First);
        Tick Good(long id) => new(id, id * 1000, 100 + id * 0.01, 0.5, id % 2 == 0);
        Tick[] ticks =
        [
            Good(1), Good(2), Good(3), Good(4), Good(5),
            new(6, 6000, double.NaN, 0.5, false),
            new(7, 7000, 0.0, 0.5, false),
            new(8, 8000, 100, double.PositiveInfinity, false),
            new(9, 9000, 100, -1, false),
            Good(5),
            Good(3),
            Good(10), Good(11),
        ];
        var result = Loop(new ScriptedTickSource(ticks), model, new TickLoopOptions { MaxTicks = 100 }).Run(default);

        Assert.Equal(13, result.Ticks);
        Assert.Equal(7, result.Decisions);
        Assert.Equal([1L, 1, 1, 1, 1, 1], result.Rejected);
        var stored = _context.Query("SELECT trade_id FROM decisions ORDER BY trade_id").Select(r => (long)r[0]!);
        Assert.Equal([1L, 2, 3, 4, 5, 10, 11], stored);
        Assert.Contains(_context.Messages, m => m.Contains("Skipped 6 tick(s)") && m.Contains("non_finite_price"));
    }

    [Fact]
    public async Task A_jump_in_volatility_is_recorded_once_as_an_adwin_drift_event_of_that_feature()
    {
        var model = await Champion(TickModels.First);
        // Prices alternate by 0.01 for 4,000 trades, then by 1.0: std_30 jumps a hundredfold while ret_1 keeps a mean of
        // about zero and the alternating sides keep the trade-flow imbalance at one half.
        var ticks = Enumerable.Range(1, 8_000)
            .Select(i => new Tick(i, i * 1000L, 100 + (i % 2) * (i <= 4_000 ? 0.01 : 1.0), 0.5, i % 2 == 0))
            .ToArray();
        var result = Loop(new ScriptedTickSource(ticks), model, new TickLoopOptions { MaxTicks = 8_000, DriftCooldownTicks = 100_000 }).Run(default);

        var events = _context.Query("SELECT feature, statistic, model, detail FROM drift_events");
        Assert.Equal(result.DriftEvents, events.Count);
        var std = Assert.Single(events, e => (string)e[0]! == "std_30");
        Assert.Equal("adwin", std[1]);
        Assert.Equal("flow", std[2]);
        Assert.Contains("trade", (string)std[3]!);
        var cut = long.Parse(System.Text.RegularExpressions.Regex.Match((string)std[3]!, @"at trade (\d+)").Groups[1].Value);
        Assert.InRange(cut, 4_001, 8_000);
    }

    [Fact]
    public async Task While_it_runs_the_loop_reports_its_latency_percentiles_and_ticks_through_its_meter_and_stops_when_it_ends()
    {
        var model = await Champion(TickModels.First);
        var seen = new List<(string Instrument, string Loop, string Percentile, double Value)>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) => { if (instrument.Meter.Name == TickMetrics.MeterName) l.EnableMeasurementEvents(instrument); };
        void Record(System.Diagnostics.Metrics.Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            string Tag(ReadOnlySpan<KeyValuePair<string, object?>> all, string name)
            {
                foreach (var tag in all) if (tag.Key == name) return tag.Value?.ToString() ?? "";
                return "";
            }
            if (Tag(tags, "loop").StartsWith("scripted ", StringComparison.Ordinal))
                seen.Add((instrument.Name, Tag(tags, "loop"), Tag(tags, "percentile"), value));
        }
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.Start();

        // Observed from inside the loop's own read, once 10 000 ticks are decided: what a scrape at that moment sees.
        var observed = false;
        var source = new ScriptedTickSource(Synthetic(20_000), batch: 256)
        {
            AfterRead = read => { if (read >= 10_000 && !observed) { observed = true; listener.RecordObservableInstruments(); } },
        };
        var result = Loop(source, model, new TickLoopOptions { MaxTicks = 20_000 }).Run(default);

        var latency = seen.Where(s => s.Instrument == TickMetrics.LatencyInstrument).ToDictionary(s => s.Percentile, s => s.Value);
        Assert.Equal(["50", "99", "99.9"], latency.Keys.Order(StringComparer.Ordinal));
        Assert.True(latency["50"] > 0 && latency["50"] <= latency["99"] && latency["99"] <= latency["99.9"], string.Join(", ", latency));
        var ticks = Assert.Single(seen, s => s.Instrument == TickMetrics.TicksInstrument);
        Assert.InRange(ticks.Value, 9_000, result.Ticks);

        // Once the loop has returned, nothing reports it any more.
        var loop = ticks.Loop;
        seen.Clear();
        listener.RecordObservableInstruments();
        Assert.DoesNotContain(seen, s => s.Loop == loop);
    }

    [Fact]
    public async Task Cancelling_mid_stream_stores_every_decision_made_and_nothing_else()
    {
        var model = await Champion(TickModels.First);
        using var cancel = new CancellationTokenSource();
        var source = new ScriptedTickSource(Synthetic(), batch: 256) { AfterRead = read => { if (read >= 20_000) cancel.Cancel(); } };
        var result = Loop(source, model, new TickLoopOptions { QueueCapacity = 1024, ShapEvery = 100 }).Run(cancel.Token);

        // The batch during which the cancel came is decided in full, then the loop stops.
        Assert.Equal(20_224, result.Decisions);
        Assert.Equal(result.Decisions, Count("SELECT count(*) FROM decisions"));
        // The synthetic source numbers trades 1, 2, 3…: the stored ones are exactly the first N.
        Assert.Equal(result.Decisions, Count("SELECT max(trade_id) FROM decisions"));
        Assert.Equal(result.Explanations, Count("SELECT count(DISTINCT trade_id) FROM decision_explanations"));
    }

    [Fact]
    public async Task A_champion_promoted_mid_run_takes_over_between_ticks()
    {
        var first = await Champion(TickModels.First);
        var secondText = await TickModels.Second;
        TickInferenceLoop? loop = null;
        var promoted = false;
        // The read that reaches 5,000 ticks (the 79th of 64) pauses until the watcher has swapped in the newly promoted
        // version, so the swap lands at a known point whatever the machine's speed: the 78 batches before it are
        // version 1's, the ticks of that read and all later ones version 2's.
        var source = new ScriptedTickSource(Synthetic(), batch: 64)
        {
            AfterRead = read =>
            {
                if (promoted || read < 5_000) return;
                promoted = true;
                var second = _context.RegisterModel("flow", secondText);
                _context.Registry.Promote("flow", second.Version, "champion", "better");
                var waited = System.Diagnostics.Stopwatch.StartNew();
                while (loop!.Model.Version != second.Version && waited.Elapsed < TimeSpan.FromSeconds(60)) Thread.Sleep(5);
            },
        };
        loop = Loop(source, first, new TickLoopOptions { MaxTicks = 30_000 });
        var watcher = new ChampionWatcher(_context.Registry, _context.OpenArtifact, "flow", "champion", _context.Log);
        watcher.LoadCurrent();
        using var stopWatching = new CancellationTokenSource();
        var watching = watcher.WatchAsync(loop, TimeSpan.FromMilliseconds(20), stopWatching.Token);

        var result = await Task.Factory.StartNew(() => loop.Run(default), TaskCreationOptions.LongRunning);
        await stopWatching.CancelAsync();
        await watching;

        Assert.Equal(1, watcher.Swaps);
        Assert.Equal([1, 2], result.VersionsUsed);
        Assert.Equal(30_000, Count("SELECT count(*) FROM decisions"));
        Assert.Equal(4_992, Count("SELECT count(*) FROM decisions WHERE model_version = 1"));
        Assert.Equal(4_992, Count("SELECT max(trade_id) FROM decisions WHERE model_version = 1"));
        Assert.Equal(4_993, Count("SELECT min(trade_id) FROM decisions WHERE model_version = 2"));
    }

    [Fact]
    public async Task A_new_version_with_other_features_is_refused_and_the_current_model_keeps_scoring()
    {
        var first = await Champion(TickModels.First);
        var loop = Loop(Synthetic(10), first, new TickLoopOptions { MaxTicks = 10 });
        var watcher = new ChampionWatcher(_context.Registry, _context.OpenArtifact, "flow", "champion", _context.Log);
        watcher.LoadCurrent();

        var narrow = _context.RegisterModel("flow", await TickModels.Narrow);
        _context.Registry.Promote("flow", narrow.Version, "champion", "narrower");
        watcher.Poll(loop);
        Assert.Equal(1, watcher.FeatureMismatches);
        Assert.Equal(0, watcher.Swaps);
        Assert.Equal(1, loop.Model.Version);
        Assert.Contains(_context.Messages, m => m.Contains("[ret_1, std_30]") && m.Contains("[ret_1, std_30, trade_flow_imbalance_20]"));

        // A version whose file was altered after registration fails its hash check and is passed over too.
        var second = _context.RegisterModel("flow", await TickModels.Second);
        var stored = _context.Store.Artifacts.FullPath(second.Model);
        var original = await File.ReadAllTextAsync(stored);
        await File.WriteAllTextAsync(stored, original + "\n");
        _context.Registry.Promote("flow", second.Version, "champion", "better");
        watcher.Poll(loop);
        Assert.Equal(1, watcher.LoadFailures);
        Assert.Equal(1, loop.Model.Version);
        Assert.Contains(_context.Messages, m => m.Contains($"v{second.Version}") && m.Contains("could not be loaded"));

        // Repaired and promoted again (through another version number), it is swapped in.
        await File.WriteAllTextAsync(stored, original);
        _context.Registry.Promote("flow", narrow.Version, "champion", "back");
        watcher.Poll(loop);
        _context.Registry.Promote("flow", second.Version, "champion", "repaired");
        watcher.Poll(loop);
        Assert.Equal(1, watcher.Swaps);
        Assert.Equal(3, loop.Model.Version);
    }

    [Fact]
    public async Task An_ONNX_champion_scores_the_ticks_as_the_model_it_was_exported_from()
    {
        var interpreted = LightGbmModelReader.Parse(await TickModels.First);
        var version = _context.RegisterModel("flow", OnnxTreeEnsembleExporter.Export(interpreted, OnnxOutputKind.Predictions), "onnx");
        _context.Registry.Promote("flow", version.Version, "champion", "exported");
        var model = new ChampionWatcher(_context.Registry, _context.OpenArtifact, "flow", "champion", _context.Log).LoadCurrent()!;

        var result = Loop(Synthetic(), model, new TickLoopOptions { MaxTicks = 5_000, ShapEvery = 1000 }).Run(default);

        Assert.Equal(5_000, result.Decisions);
        var output = new double[1];
        foreach (var row in _context.Query("SELECT features[1], features[2], features[3], score FROM decisions WHERE trade_id % 97 = 0"))
        {
            double[] features = [Value(row[0]), Value(row[1]), Value(row[2])];
            interpreted.Predict(features, output);
            Assert.Equal(output[0], (double)row[3]!);
        }
    }

    [Fact]
    public async Task A_corrupt_ONNX_version_promoted_while_the_loop_runs_is_counted_logged_and_passed_over()
    {
        var first = await Champion(TickModels.First);
        var loop = Loop(Synthetic(10), first, new TickLoopOptions { MaxTicks = 10 });
        var watcher = new ChampionWatcher(_context.Registry, _context.OpenArtifact, "flow", "champion", _context.Log);
        watcher.LoadCurrent();

        // Registered whole (its hash is right) but cut short: the file itself is corrupt, not altered after the fact.
        byte[] onnx = OnnxTreeEnsembleExporter.Export(LightGbmModelReader.Parse(await TickModels.Second), OnnxOutputKind.Predictions);
        var corrupt = _context.RegisterModel("flow", onnx[..(onnx.Length / 2)], "onnx");
        _context.Registry.Promote("flow", corrupt.Version, "champion", "corrupt");
        watcher.Poll(loop);

        Assert.Equal(1, watcher.LoadFailures);
        Assert.Equal(0, watcher.Swaps);
        Assert.Equal(1, loop.Model.Version);
        Assert.Contains(_context.Messages, m => m.Contains($"v{corrupt.Version}") && m.Contains("could not be loaded"));

        // The intact file, registered as the next version, is swapped in.
        var intact = _context.RegisterModel("flow", onnx, "onnx");
        _context.Registry.Promote("flow", intact.Version, "champion", "intact");
        watcher.Poll(loop);
        Assert.Equal(1, watcher.Swaps);
        Assert.Equal(intact.Version, loop.Model.Version);
    }

    [Fact]
    public async Task The_hot_thread_allocates_nothing_per_tick_over_a_million_ticks()
    {
        var model = await Champion(TickModels.First);
        var result = Loop(Synthetic(), model, new TickLoopOptions { MaxTicks = 1_000_000, ShapEvery = 1000, ShapFlagThreshold = 0.9 }).Run(default);

        Assert.Equal(1_000_000, result.Decisions);
        Assert.True(result.MeasuredTicks >= 980_000, $"measured over {result.MeasuredTicks} ticks");
        Assert.Equal(0, result.AllocatedBytes);
        Assert.Equal(1_000_000, Count("SELECT count(*) FROM decisions"));
    }
}
