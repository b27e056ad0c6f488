using Pipelines.Abstractions;
using Pipelines.Steps.Inference;
using Pipelines.Steps.Tests.Support;

namespace Pipelines.Steps.Tests.Inference;

public sealed class TickInferenceStepTests : IDisposable
{
    private readonly StoreStepContext _context = new();

    public void Dispose() => _context.Dispose();

    private async Task PromoteChampion()
    {
        var version = _context.RegisterModel("flow", await TickModels.First);
        _context.Registry.Promote("flow", version.Version, "champion", "test");
    }

    private TickInferenceInputs Inputs(IReadOnlyList<string>? features = null) => new()
    {
        Model = "flow",
        Features = features ?? TickModels.FeatureNames,
        Files = [WorkspaceCsv()],
        TradesPerBar = 16,
        MaxTicks = 20_000,
        ShapEvery = 1000,
        SwapPoll = TimeSpan.FromMilliseconds(50),
    };

    private WorkspacePath WorkspaceCsv()
    {
        var relative = Path.Combine("samples", "bars.csv");
        var full = Path.Combine(_context.WorkspaceRoot, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        if (!File.Exists(full)) File.Copy(RepositoryFiles.SampleKlines, full);
        return new WorkspacePath(relative, full, new Artifact(new string('0', 64), "source", "csv", new FileInfo(full).Length, relative));
    }

    private long Count(string sql) => Convert.ToInt64(_context.Query(sql)[0][0]);

    [Fact]
    public async Task The_step_scores_every_tick_with_the_champion_and_stores_each_decision()
    {
        await PromoteChampion();
        var outputs = await new TickInferenceStep().ExecuteAsync(Inputs(), _context, default);

        Assert.Equal(20_000, outputs.Ticks);
        Assert.Equal(20_000, outputs.Decisions);
        Assert.All(outputs.Rejected.Values, count => Assert.Equal(0, count));
        Assert.Equal(6, outputs.Rejected.Count);
        Assert.Equal([1], outputs.ModelVersions);
        Assert.Equal(0, outputs.ModelSwaps);
        Assert.Equal(20, outputs.Explanations);
        Assert.True(outputs.LatencyP99Us >= outputs.LatencyP50Us);
        Assert.Equal(20_000, Count("SELECT count(*) FROM decisions WHERE run_id = 'run-test' AND step_id = 'infer' AND model = 'flow'"));
        Assert.Equal(20 * 3, Count("SELECT count(*) FROM decision_explanations"));
        var names = _context.Query("SELECT feature FROM decision_features ORDER BY position").Select(r => (string)r[0]!);
        Assert.Equal(TickModels.FeatureNames, names);
        Assert.Equal(outputs.DriftEvents, Count("SELECT count(*) FROM drift_events WHERE statistic = 'adwin'"));
    }

    [Fact]
    public async Task A_replayed_aggtrades_dump_is_scored_to_its_end_with_bad_rows_counted_not_fatal()
    {
        await PromoteChampion();
        // A Binance aggTrades dump (8 columns, header, millisecond times): 3,000 trades of a random walk, then a
        // repeated trade id the loop must skip and a line the reader cannot parse.
        var relative = Path.Combine("dumps", "BTCUSDT-aggTrades-2023-03-01.csv");
        var full = Path.Combine(_context.WorkspaceRoot, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var random = new Random(7);
        var lines = new List<string> { "agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker,is_best_match" };
        var price = 23_000.0;
        for (var id = 1; id <= 3000; id++)
        {
            price *= 1 + (random.NextDouble() - 0.5) * 1e-4;
            var time = 1_677_628_800_000L + id * 37;
            lines.Add(FormattableString.Invariant($"{id},{price:0.00},{0.001 + random.NextDouble():0.00000},{id},{id},{time},{(random.Next(2) == 0 ? "true" : "false")},true"));
            if (id == 1500) lines.Add(lines[^1]);
        }
        lines.Add("3001,not-a-price,0.1,3001,3001,1677628911037,true,true");
        File.WriteAllLines(full, lines);
        var dump = new WorkspacePath(relative, full, new Artifact(new string('0', 64), "source", "csv", new FileInfo(full).Length, relative));

        var outputs = await new TickInferenceStep().ExecuteAsync(Inputs() with { Source = "replay", Files = [dump], MaxTicks = null }, _context, default);

        Assert.Equal(3001, outputs.Ticks);
        Assert.Equal(3000, outputs.Decisions);
        Assert.Equal(1, outputs.Rejected["duplicate_trade_id"]);
        Assert.Equal(1, outputs.SourceEvents["malformed"]);
        Assert.Equal(3000, Count("SELECT count(DISTINCT trade_id) FROM decisions"));
        Assert.Equal(3000, Count("SELECT max(trade_id) FROM decisions"));
    }

    [Fact]
    public async Task A_model_trained_on_other_features_is_refused_naming_both_lists()
    {
        await PromoteChampion();
        var e = await Assert.ThrowsAsync<StepInputException>(() => new TickInferenceStep().ExecuteAsync(Inputs(["ret_1", "std_30"]), _context, default));
        Assert.Equal("features", e.Input);
        Assert.Contains("[ret_1, std_30, trade_flow_imbalance_20]", e.Message);
        Assert.Contains("[ret_1, std_30]", e.Message);
        Assert.Equal(0, Count("SELECT count(*) FROM decisions"));
    }

    [Fact]
    public async Task Bad_inputs_name_the_input()
    {
        await PromoteChampion();
        async Task<string> InputOf(TickInferenceInputs inputs) =>
            (await Assert.ThrowsAsync<StepInputException>(() => new TickInferenceStep().ExecuteAsync(inputs, _context, default))).Input;

        Assert.Equal("max_ticks", await InputOf(Inputs() with { MaxTicks = null }));
        Assert.Equal("queue_capacity", await InputOf(Inputs() with { QueueCapacity = 1000 }));
        Assert.Equal("source", await InputOf(Inputs() with { Source = "carrier-pigeon" }));
        Assert.Equal("features", await InputOf(Inputs(["no_such_feature"])));
        Assert.Equal("model", await InputOf(Inputs() with { Model = "absent" }));
        Assert.Equal("files", await InputOf(Inputs() with { Files = [] }));
        Assert.Equal("files", await InputOf(Inputs() with { Source = "replay", Files = [] }));
        Assert.Equal("pacing", await InputOf(Inputs() with { Source = "replay", Pacing = "leisurely" }));
        Assert.Equal("symbol", await InputOf(Inputs() with { Source = "websocket" }));
        Assert.Equal("base_url", await InputOf(Inputs() with { Source = "websocket", Symbol = "BTCUSDT", BaseUrl = "not a url" }));
    }

    [Fact]
    public async Task A_cancelled_step_ends_cancelled_with_every_decision_it_made_stored()
    {
        await PromoteChampion();
        using var cancel = new CancellationTokenSource();
        var running = new TickInferenceStep().ExecuteAsync(Inputs() with { MaxTicks = null, Duration = TimeSpan.FromMinutes(5) }, _context, cancel.Token);
        // Cancel once the first batch of decisions is committed, however slow the machine.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (Count("SELECT count(*) FROM decisions") == 0 && waited.Elapsed < TimeSpan.FromSeconds(60) && !running.IsCompleted) await Task.Delay(20);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);

        var stored = Count("SELECT count(*) FROM decisions");
        Assert.True(stored > 0);
        // Trades are numbered 1, 2, 3… and none is rejected: the stored decisions are exactly the first ones, none missing.
        Assert.Equal(stored, Count("SELECT max(trade_id) FROM decisions"));
        Assert.Equal(stored, Count("SELECT count(DISTINCT trade_id) FROM decisions"));
    }
}
