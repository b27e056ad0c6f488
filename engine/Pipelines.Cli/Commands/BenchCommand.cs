using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Pipelines.Cli.Bench;

namespace Pipelines.Cli.Commands;

public static class BenchCommand
{
    public static Command Create(Func<ParseResult, CliContext> contextFor)
    {
        var steps = new Option<int>("--steps") { Description = "Steps in the generated DAG.", DefaultValueFactory = _ => 1000 };
        var seed = new Option<int>("--seed") { Description = "Seed of the generated DAG.", DefaultValueFactory = _ => 42 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of text." };
        var directory = new Option<string?>("--dir") { Description = "Where the benchmark's temporary store lives (default: the system temp directory); compare a disk with /dev/shm to separate file-system cost from the engine's." };
        var engine = new Command("engine", "Engine overhead per step on a generated DAG of no-op steps (plan + execute + lineage in DuckDB), and the DuckDB binding's appender and chunk-reading throughput.")
        {
            steps, seed, json, directory,
        };
        engine.SetAction((parse, _) =>
        {
            var context = contextFor(parse);
            return CommandGuard.RunAsync(context, () =>
            {
                var count = parse.GetValue(steps);
                if (count < 1) throw new ArgumentException("--steps must be at least 1");
                var result = EngineBenchmark.Run(count, parse.GetValue(seed), parse.GetValue(directory));
                if (parse.GetValue(json))
                {
                    context.Output.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
                    {
                        ["steps"] = result.Steps,
                        ["us_per_step"] = Math.Round(result.UsPerStep, 1),
                        ["cpu_us_per_step"] = Math.Round(result.CpuUsPerStep, 1),
                        ["bytes_per_step"] = Math.Round(result.BytesPerStep),
                        ["appender_rows_per_s"] = Math.Round(result.AppenderRowsPerSecond),
                        ["ado_appender_rows_per_s"] = Math.Round(result.AdoAppenderRowsPerSecond),
                        ["read_values_per_s"] = Math.Round(result.ReadValuesPerSecond),
                    }));
                }
                else
                {
                    context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"engine: {result.UsPerStep:0.0} us/step ({result.CpuUsPerStep:0.0} us of CPU, {result.BytesPerStep:N0} bytes allocated) over {result.Steps} steps; appender: {result.AppenderRowsPerSecond:N0} rows/s (DuckDB.NET's: {result.AdoAppenderRowsPerSecond:N0}); chunk reading: {result.ReadValuesPerSecond:N0} values/s"));
                }
                return Task.FromResult(ExitCodes.Success);
            });
        });
        var trainRows = new Option<int>("--rows") { Description = "Training rows of the synthetic binary set (LightGBM's anchor uses 1,000,000).", DefaultValueFactory = _ => 1_000_000 };
        var testRows = new Option<int>("--test-rows") { Description = "Test rows (seed 43).", DefaultValueFactory = _ => 200_000 };
        var learningJson = new Option<bool>("--json") { Description = "Print one JSON object instead of text." };
        var learning = new Command("learning", "Training time and test AUC of train/gbdt's LightGBM trainer beside bare LightGBM C API calls on the same rows; peak memory; prediction, TreeSHAP, ADWIN and KS costs.")
        {
            trainRows, testRows, learningJson,
        };
        learning.SetAction((parse, _) =>
        {
            var context = contextFor(parse);
            return CommandGuard.RunAsync(context, () =>
            {
                var r = LearningBenchmark.Run(parse.GetValue(trainRows), parse.GetValue(testRows));
                var figures = new Dictionary<string, object>
                {
                    ["train_rows"] = r.TrainRows,
                    ["train_seconds"] = Math.Round(r.TrainSeconds, 2),
                    ["direct_c_api_train_seconds"] = Math.Round(r.DirectTrainSeconds, 2),
                    ["train_ratio_to_c_api"] = Math.Round(r.TrainSeconds / r.DirectTrainSeconds, 3),
                    ["train_cpu_seconds"] = Math.Round(r.TrainCpuSeconds, 2),
                    ["direct_c_api_train_cpu_seconds"] = Math.Round(r.DirectTrainCpuSeconds, 2),
                    ["same_model_text"] = r.SameModelText,
                    ["direct_c_api_test_auc"] = Math.Round(r.DirectTestAuc, 6),
                    ["peak_working_set_mb"] = Math.Round(r.PeakWorkingSetMb),
                    ["test_auc"] = Math.Round(r.TestAuc, 6),
                    ["test_logloss"] = Math.Round(r.TestLogLoss, 6),
                    ["predict_ns_per_row"] = Math.Round(r.PredictNsPerRow),
                    ["compiled_predict_ns_per_row"] = Math.Round(r.CompiledPredictNsPerRow),
                    ["shap_p50_us"] = Math.Round(r.ShapP50Us, 1),
                    ["shap_p95_us"] = Math.Round(r.ShapP95Us, 1),
                    ["adwin_ns_per_update"] = Math.Round(r.AdwinNsPerUpdate, 1),
                    ["ks_2x100k_ms"] = Math.Round(r.Ks2x100kMs, 1),
                };
                context.Output.WriteLine(parse.GetValue(learningJson)
                    ? JsonSerializer.Serialize(figures)
                    : string.Join(Environment.NewLine, figures.Select(f => $"{f.Key,-22} {Convert.ToString(f.Value, CultureInfo.InvariantCulture)}")));
                return Task.FromResult(ExitCodes.Success);
            });
        });
        var ticks = new Option<long>("--ticks") { Description = "Ticks through the tick loop (allocations are measured over all but the warm-up).", DefaultValueFactory = _ => 1_000_000 };
        var hotPathTrainRows = new Option<int>("--train-rows") { Description = "Labelled ticks the model is trained on.", DefaultValueFactory = _ => 40_000 };
        var hotPathJson = new Option<bool>("--json") { Description = "Print one JSON object instead of text." };
        var hotPathDirectory = new Option<string?>("--dir") { Description = "Where the temporary decision store lives (default: the system temp directory)." };
        var bookBars = new Option<int>("--book-bars") { Description = "One-minute bars the synthetic book of the book tick path is derived from (12 depth events and 16 trades each).", DefaultValueFactory = _ => 7_200 };
        var bookEvents = new Option<int>("--book-events") { Description = "Diff events of 20 changed levels applied to the 1,000-level book, each timed.", DefaultValueFactory = _ => 200_000 };
        var hotPath = new Command("hotpath", "Single-row prediction interpreted vs compiled vs ONNX Runtime on a 200-tree, 31-leaf, 20-feature binary model, then the tick loop end to end on synthetic ticks: latency percentiles, ticks/s with every decision persisted, and allocated bytes per tick on the hot thread; then the order book: one 20-level diff on a 1,000-level book (p50/p99), book features per update (p50/p95/p99) and the tick path with trades and a replayed synthetic book merged (per-trade p50/p99, events/s, bytes per event); then a three-member averaging ensemble: single-row ns/row against its members alone, and the tick loop with it (p50/p99, ticks/s, bytes per tick).")
        {
            ticks, hotPathTrainRows, hotPathJson, hotPathDirectory, bookBars, bookEvents,
        };
        hotPath.SetAction((parse, _) =>
        {
            var context = contextFor(parse);
            return CommandGuard.RunAsync(context, () =>
            {
                var count = parse.GetValue(ticks);
                if (count < 1) throw new ArgumentException("--ticks must be at least 1");
                var trainRows = parse.GetValue(hotPathTrainRows);
                if (trainRows < 100) throw new ArgumentException("--train-rows must be at least 100");
                var barsForBook = parse.GetValue(bookBars);
                if (barsForBook < 60) throw new ArgumentException("--book-bars must be at least 60");
                var eventsForBook = parse.GetValue(bookEvents);
                if (eventsForBook < 1_000) throw new ArgumentException("--book-events must be at least 1000");
                var r = HotPathBenchmark.Run(count, trainRows, parse.GetValue(hotPathDirectory));
                var b = BookHotPathBenchmark.Run(eventsForBook, barsForBook, parse.GetValue(hotPathDirectory));
                var e = EnsembleHotPathBenchmark.Run(count, trainRows, parse.GetValue(hotPathDirectory));
                var figures = new Dictionary<string, object>
                {
                    ["interpreted_ns_per_row"] = Math.Round(r.InterpretedNsPerRow, 1),
                    ["compiled_ns_per_row"] = Math.Round(r.CompiledNsPerRow, 1),
                    ["onnxruntime_ns_per_row"] = Math.Round(r.OnnxRuntimeNsPerRow, 1),
                    ["tick_p50_ns"] = r.Tick.LatencyP50Ns,
                    ["tick_p99_ns"] = r.Tick.LatencyP99Ns,
                    ["tick_p999_ns"] = r.Tick.LatencyP999Ns,
                    ["tick_max_ns"] = r.Tick.LatencyMaxNs,
                    ["ticks_per_s"] = Math.Round(r.Tick.TicksPerSecond),
                    ["alloc_bytes_per_tick"] = Math.Round(r.Tick.AllocatedBytesPerTick, 4),
                    ["ticks"] = r.Tick.Ticks,
                    ["decisions_stored"] = r.DecisionsStored,
                    ["alloc_measured_ticks"] = r.Tick.MeasuredTicks,
                    ["queue_stalls"] = r.Tick.QueueStalls,
                    ["explanations"] = r.Tick.Explanations,
                    ["drift_events"] = r.Tick.DriftEvents,
                    ["drift_cuts_in_cooldown"] = r.Tick.DriftCutsInCooldown,
                    ["features"] = r.FeatureCount,
                    ["trees"] = r.TreeCount,
                    ["book_update_p50_ns"] = b.UpdateP50Ns,
                    ["book_update_p99_ns"] = b.UpdateP99Ns,
                    ["book_levels_per_side"] = b.BookLevelsPerSide,
                    ["book_changed_levels_per_event"] = BookHotPathBenchmark.ChangedLevels,
                    ["book_features_p50_ns"] = b.FeaturesP50Ns,
                    ["book_features_p95_ns"] = b.FeaturesP95Ns,
                    ["book_features_p99_ns"] = b.FeaturesP99Ns,
                    ["book_tick_p50_ns"] = b.Tick.LatencyP50Ns,
                    ["book_tick_p99_ns"] = b.Tick.LatencyP99Ns,
                    ["book_tick_p999_ns"] = b.Tick.LatencyP999Ns,
                    ["book_tick_trades_per_s"] = Math.Round(b.Tick.TicksPerSecond),
                    ["book_tick_events_per_s"] = Math.Round(b.Tick.EventsPerSecond),
                    ["book_tick_trades"] = b.Tick.Ticks,
                    ["book_tick_book_events"] = b.Tick.BookEvents,
                    ["book_tick_decisions_stored"] = b.DecisionsStored,
                    ["book_alloc_bytes_per_event"] = Math.Round(b.Tick.AllocatedBytesPerEvent, 4),
                    ["ensemble_members"] = e.Members,
                    ["ensemble_trees"] = e.Trees,
                    ["ensemble_ns_per_row"] = Math.Round(e.EnsembleNsPerRow, 1),
                    ["ensemble_members_alone_ns_per_row"] = Math.Round(e.MembersNsPerRow, 1),
                    ["ensemble_stacked_gbdt_ns_per_row"] = Math.Round(e.StackedNsPerRow, 1),
                    ["ensemble_stacked_meta_trees"] = e.MetaTrees,
                    ["ensemble_tick_p50_ns"] = e.Tick.LatencyP50Ns,
                    ["ensemble_tick_p99_ns"] = e.Tick.LatencyP99Ns,
                    ["ensemble_ticks_per_s"] = Math.Round(e.Tick.TicksPerSecond),
                    ["ensemble_alloc_bytes_per_tick"] = Math.Round(e.Tick.AllocatedBytesPerTick, 4),
                    ["ensemble_explanations"] = e.Tick.Explanations,
                };
                context.Output.WriteLine(parse.GetValue(hotPathJson)
                    ? JsonSerializer.Serialize(figures)
                    : string.Join(Environment.NewLine, figures.Select(f => $"{f.Key,-24} {Convert.ToString(f.Value, CultureInfo.InvariantCulture)}")));
                return Task.FromResult(ExitCodes.Success);
            });
        });
        var fires = new Option<int>("--fires") { Description = "Schedule fires measured (the pipeline's cron fires every second).", DefaultValueFactory = _ => 30 };
        var events = new Option<int>("--events") { Description = "Events published one at a time, measured once nudged and once by the poll alone.", DefaultValueFactory = _ => 30 };
        var backlog = new Option<int>("--backlog") { Description = $"Events in the backlog one dispatch pass reads; every {ServiceBenchmark.MatchEvery}th matches the subscription.", DefaultValueFactory = _ => 20_000 };
        var idleSeconds = new Option<int>("--idle-seconds") { Description = "How long the service idles on the workspace's own pipelines while its CPU time is measured.", DefaultValueFactory = _ => 30 };
        var serviceJson = new Option<bool>("--json") { Description = "Print one JSON object instead of text." };
        var serviceDirectory = new Option<string?>("--dir") { Description = "Where the benchmark's temporary workspaces and stores live (default: the system temp directory)." };
        var service = new Command("service", "The service in this process on fresh stores: trigger-to-first-step latency of schedule fires and of events (nudged and polled), events examined per second by one dispatch pass over a backlog, and idle CPU and memory on the workspace's pipelines.")
        {
            fires, events, backlog, idleSeconds, serviceJson, serviceDirectory,
        };
        service.SetAction((parse, _) =>
        {
            var context = contextFor(parse);
            return CommandGuard.RunAsync(context, async () =>
            {
                var fireCount = parse.GetValue(fires);
                if (fireCount < 1) throw new ArgumentException("--fires must be at least 1");
                var eventCount = parse.GetValue(events);
                if (eventCount < 1) throw new ArgumentException("--events must be at least 1");
                var backlogCount = parse.GetValue(backlog);
                if (backlogCount < 1) throw new ArgumentException("--backlog must be at least 1");
                var idle = parse.GetValue(idleSeconds);
                if (idle < 1) throw new ArgumentException("--idle-seconds must be at least 1");
                var r = await ServiceBenchmark.RunAsync(fireCount, eventCount, backlogCount, TimeSpan.FromSeconds(idle), context.Workspace.Root, context.Catalog,
                    parse.GetValue(serviceDirectory));
                var figures = new Dictionary<string, object>
                {
                    ["schedule_fires"] = r.Schedule.Count,
                    ["schedule_p50_ms"] = Math.Round(r.Schedule.P50Ms, 1),
                    ["schedule_p99_ms"] = Math.Round(r.Schedule.P99Ms, 1),
                    ["schedule_max_ms"] = Math.Round(r.Schedule.MaxMs, 1),
                    ["schedule_min_ms"] = Math.Round(r.Schedule.MinMs, 1),
                    ["event_nudged_count"] = r.EventNudged.Count,
                    ["event_nudged_p50_ms"] = Math.Round(r.EventNudged.P50Ms, 1),
                    ["event_nudged_p99_ms"] = Math.Round(r.EventNudged.P99Ms, 1),
                    ["event_nudged_max_ms"] = Math.Round(r.EventNudged.MaxMs, 1),
                    ["event_nudged_min_ms"] = Math.Round(r.EventNudged.MinMs, 1),
                    ["event_polled_count"] = r.EventPolled.Count,
                    ["event_polled_p50_ms"] = Math.Round(r.EventPolled.P50Ms, 1),
                    ["event_polled_p99_ms"] = Math.Round(r.EventPolled.P99Ms, 1),
                    ["event_polled_max_ms"] = Math.Round(r.EventPolled.MaxMs, 1),
                    ["event_polled_min_ms"] = Math.Round(r.EventPolled.MinMs, 1),
                    ["backlog"] = r.Backlog,
                    ["backlog_matching"] = r.BacklogMatching,
                    ["events_examined"] = r.EventsExamined,
                    ["dispatch_firings"] = r.Firings,
                    ["dispatch_seconds"] = Math.Round(r.DispatchSeconds, 3),
                    ["events_examined_per_s"] = Math.Round(r.EventsExaminedPerSecond),
                    ["idle_seconds"] = r.IdleSeconds,
                    ["idle_cpu_percent_of_one_core"] = Math.Round(r.IdleCpuPercentOfOneCore, 2),
                    ["idle_working_set_mb"] = Math.Round(r.WorkingSetMb, 1),
                    ["idle_gc_heap_mb"] = Math.Round(r.GcHeapMb, 1),
                    ["idle_pipelines"] = r.IdlePipelines,
                    ["idle_scheduled_pipelines"] = r.IdleScheduled,
                };
                context.Output.WriteLine(parse.GetValue(serviceJson)
                    ? JsonSerializer.Serialize(figures)
                    : string.Join(Environment.NewLine, figures.Select(f => $"{f.Key,-30} {Convert.ToString(f.Value, CultureInfo.InvariantCulture)}")));
                return ExitCodes.Success;
            });
        });
        return new Command("bench", "Reproduce the figures in docs/benchmarks.md.") { engine, learning, hotPath, service, ShapBenchCommand.Create(contextFor), ClusterBenchCommand.Create(contextFor), ClusterStatusBenchCommand.Create(contextFor) };
    }
}
