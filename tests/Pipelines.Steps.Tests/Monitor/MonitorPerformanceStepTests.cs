using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Pipelines.Abstractions;
using Pipelines.Engine.Events;
using Pipelines.Engine.Storage;
using Pipelines.Steps.Labels;
using Pipelines.Steps.Monitor;
using Pipelines.Steps.Tables;
using Pipelines.Steps.Tests.Support;

namespace Pipelines.Steps.Tests.Monitor;

/// <summary>
/// monitor/performance on a real store: a model whose lineage records a featurize/labels definition and a train step,
/// its stored decisions, and a price table; every expected value is recomputed here from the raw prices and scores.
/// </summary>
public sealed class MonitorPerformanceStepTests : IDisposable
{
    private const int Trades = 400;
    private const int Horizon = 3;
    private static readonly DateTime Start = new(2024, 5, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly JsonSerializerOptions Recorded = new() { Converters = { new JsonStringEnumConverter() } };

    private readonly StoreStepContext _context = new("run-monitor", "monitor");
    private readonly double[] _prices = new double[Trades];
    private readonly double[] _scores = new double[Trades];

    public MonitorPerformanceStepTests()
    {
        var random = new Random(7);
        var price = 100.0;
        for (var i = 0; i < Trades; i++)
        {
            price *= 1 + (random.NextDouble() - 0.5) * 0.002;
            _prices[i] = Math.Round(price, 4);
            _scores[i] = random.NextDouble();
        }
    }

    public void Dispose() => _context.Dispose();

    private static long TradeId(int i) => 1000 + i;

    private static DateTime TimeOf(int i) => Start.AddMinutes(i);

    /// <summary>The prices as a table (trade_id, price), the data outcomes come from.</summary>
    private Artifact PriceTable(int rows)
    {
        using var connection = ParquetTableWriter.OpenScratch();
        var values = string.Join(", ", Enumerable.Range(0, rows).Select(i => string.Create(CultureInfo.InvariantCulture, $"({TradeId(i)}, {_prices[i]:R})")));
        return ParquetTableWriter.Write(connection, $"SELECT * FROM (VALUES {values}) AS t(trade_id, price)", _context, "data").Table;
    }

    /// <summary>Registers a champion whose lineage says: featurize/labels made <paramref name="label"/>, train/gbdt learned it with <paramref name="objective"/>.</summary>
    private ModelVersion Champion(string name, LabelSpec label, string objective)
    {
        var trainingTable = PriceTable(50);
        var now = DateTime.UtcNow;
        var labelInputs = new LabelInputs { Input = trainingTable, TimeColumn = "trade_id", Labels = [label] };
        var labelled = PriceTable(60);
        _context.Store.CompleteStepRun(new StepRunRecord("run-train", "labels", "featurize/labels", 1, StepStatus.Succeeded, null, null, 1, now, now, 0,
            JsonSerializer.Serialize(labelInputs, Recorded), null, null), [("table", labelled)], [trainingTable], [labelled]);
        var staged = _context.StageArtifact("model", "txt");
        File.WriteAllText(staged.Path, "model of " + name);
        var model = _context.CommitArtifact(staged);
        var trainInputs = new JsonObject { ["Input"] = JsonSerializer.SerializeToNode(labelled), ["Target"] = label.Name, ["Objective"] = objective };
        _context.Store.CompleteStepRun(new StepRunRecord("run-train", "train", "train/gbdt", 1, StepStatus.Succeeded, null, null, 1, now, now, 0,
            trainInputs.ToJsonString(), null, null), [("model", model)], [labelled], [model]);
        var version = _context.Registry.Register(name, model, null, labelled.Sha256, "test");
        return _context.Registry.Promote(name, version.Version, "champion", "test");
    }

    private void StoreDecisions(string model, int version, int count, Func<int, double> score)
    {
        using var writer = _context.Decisions.OpenDecisions(model, ["x"]);
        for (var i = 0; i < count; i++)
            writer.Append(TradeId(i), (TimeOf(i) - DateTime.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond, version, score(i), [0.0]);
        writer.Commit();
    }

    private Task<MonitorPerformanceOutputs> Check(MonitorPerformanceInputs inputs) =>
        new MonitorPerformanceStep().ExecuteAsync(inputs, _context, CancellationToken.None);

    private IReadOnlyList<PipelineEvent> Events(string type) => _context.Store.Events(new EventQuery(Type: type));

    private double Forward(int i) => _prices[i + Horizon] / _prices[i] - 1;

    [Fact]
    public async Task A_classifier_is_judged_by_its_own_fill_label_with_every_metric_matching_a_brute_force_recomputation()
    {
        var label = new LabelSpec { Name = "filled", Kind = LabelKind.Fill, Horizon = Horizon, Column = "price", Low = "price", DistanceBps = 5 };
        var champion = Champion("fills", label, "Binary");
        StoreDecisions("fills", champion.Version, Trades, i => _scores[i]);

        var outputs = await Check(new MonitorPerformanceInputs
        {
            Model = "fills", Data = PriceTable(Trades), Window = TimeSpan.FromDays(1), PeriodsPerYear = 525_600,
            MinSharpe = -1e9, MinWinRate = 0, MaxCalibrationError = 1, MinRows = 10,
        });

        // Oracle: rows whose 3-trade horizon lies inside the data; the fill label is min(next 3 prices) <= price * (1 - 5bp).
        var known = Enumerable.Range(0, Trades - Horizon).ToArray();
        var y = known.Select(i => Enumerable.Range(i + 1, Horizon).Min(j => _prices[j]) <= _prices[i] * (1 - 0.0005) ? 1 : 0).ToArray();
        var p = known.Select(i => _scores[i]).ToArray();
        var r = known.Select(Forward).ToArray();
        var s = p.Select(v => v >= 0.5 ? 1.0 : -1.0).ToArray();
        Assert.Equal(known.Length, outputs.Rows);
        Assert.Equal(Horizon, outputs.Pending);
        Assert.Equal(0, outputs.Unmatched);
        Assert.True(outputs.EnoughRows);
        Assert.False(outputs.Degraded);
        var m = outputs.Metrics;
        Assert.Equal("classifier", m.Task);
        Assert.Equal(y.Zip(s).Count(t => t.First == (t.Second > 0 ? 1 : 0)) / (double)y.Length, m.Accuracy!.Value, 12);
        Assert.Equal(-y.Zip(p).Average(t => t.First == 1 ? Math.Log(t.Second) : Math.Log(1 - t.Second)), m.LogLoss!.Value, 9);
        Assert.Equal(BruteForceEce(y, p, 10), m.CalibrationError!.Value, 12);
        var trials = s.Zip(r).Where(t => t.Second != 0).ToArray();
        Assert.Equal(trials.Count(t => t.First * t.Second > 0) / (double)trials.Length, m.WinRate!.Value, 12);
        Assert.True(m.WinRateLower < m.WinRate && m.WinRate < m.WinRateUpper);
        Assert.Equal(s.Count(v => v > 0) / (double)s.Length - r.Count(v => v > 0) / (double)r.Length, m.DirectionalBias!.Value, 12);
        Assert.Equal(BruteForceSharpe(s, r, 525_600), m.Sharpe!.Value, 6);
        Assert.Null(m.Mae);

        var check = Assert.Single(Events(MonitorPerformanceStep.CheckedEvent));
        Assert.Equal("fills", check.Model);
        var payload = JsonNode.Parse(check.PayloadJson)!;
        Assert.Equal(champion.Version, (int)payload["version"]!);
        Assert.Equal(known.Length, (long)payload["n"]!);
        Assert.Equal("P1D", (string)payload["window"]!);
        Assert.Equal(m.Sharpe!.Value, (double)payload["sharpe"]!, 9);
        Assert.Empty(Events(MonitorPerformanceStep.DegradedEvent));
    }

    [Fact]
    public async Task Each_breached_threshold_publishes_its_own_degraded_event_with_metric_value_and_threshold()
    {
        var label = new LabelSpec { Name = "filled", Kind = LabelKind.Fill, Horizon = Horizon, Column = "price", Low = "price", DistanceBps = 5 };
        var champion = Champion("fills", label, "Binary");
        StoreDecisions("fills", champion.Version, Trades, i => _scores[i]);

        // Random scores: the win rate's lower bound is below 0.9 and the calibration error above 0.01, whatever the seed; the Sharpe is not judged.
        var outputs = await Check(new MonitorPerformanceInputs
        {
            Model = "fills", Data = PriceTable(Trades), MinSharpe = -1e9, MinWinRate = 0.9, MaxCalibrationError = 0.01, MinRows = 10,
        });

        Assert.True(outputs.Degraded);
        var degraded = Events(MonitorPerformanceStep.DegradedEvent).Select(e => JsonNode.Parse(e.PayloadJson)!).ToList();
        Assert.Equal(["calibration_error", "win_rate_lower"], degraded.Select(d => (string)d["metric"]!).Order());
        var win = degraded.Single(d => (string)d["metric"]! == "win_rate_lower");
        Assert.Equal(outputs.Metrics.WinRateLower!.Value, (double)win["value"]!, 12);
        Assert.Equal(0.9, (double)win["threshold"]!);
        Assert.Equal(champion.Version, (int)win["version"]!);
        Assert.True((bool)JsonNode.Parse(Assert.Single(Events(MonitorPerformanceStep.CheckedEvent)).PayloadJson)!["degraded"]!);
    }

    [Fact]
    public async Task A_regressor_gets_its_errors_and_decisions_beyond_the_data_are_counted_not_judged()
    {
        var label = new LabelSpec { Name = "ret", Kind = LabelKind.ForwardReturn, Horizon = Horizon, Column = "price" };
        var champion = Champion("returns", label, "Regression");
        StoreDecisions("returns", champion.Version, Trades, i => _scores[i] - 0.5);

        // The data ends at trade 300: decisions on 297..299 wait for their horizon, 300..399 are not in it at all.
        var outputs = await Check(new MonitorPerformanceInputs { Model = "returns", Data = PriceTable(300), MinSharpe = -1e9, MinWinRate = 0, MinRows = 10 });

        var known = Enumerable.Range(0, 300 - Horizon).ToArray();
        Assert.Equal(known.Length, outputs.Rows);
        Assert.Equal(Horizon, outputs.Pending);
        Assert.Equal(100, outputs.Unmatched);
        Assert.Equal("regressor", outputs.Metrics.Task);
        Assert.Equal(known.Average(i => Math.Abs(Forward(i) - (_scores[i] - 0.5))), outputs.Metrics.Mae!.Value, 12);
        Assert.Equal(Math.Sqrt(known.Average(i => Math.Pow(Forward(i) - (_scores[i] - 0.5), 2))), outputs.Metrics.Rmse!.Value, 12);
        Assert.Null(outputs.Metrics.LogLoss);
        Assert.Null(outputs.Metrics.CalibrationError);
        var s = known.Select(i => (double)Math.Sign(_scores[i] - 0.5)).ToArray();
        Assert.Equal(BruteForceSharpe(s, known.Select(Forward).ToArray(), 525_600), outputs.Metrics.Sharpe!.Value, 6);
    }

    [Fact]
    public async Task The_window_ends_at_the_newest_decision_and_reaches_back_only_as_far_as_asked()
    {
        var label = new LabelSpec { Name = "ret", Kind = LabelKind.ForwardReturn, Horizon = Horizon, Column = "price" };
        var champion = Champion("returns", label, "Regression");
        StoreDecisions("returns", champion.Version, Trades, i => _scores[i] - 0.5);

        // Decisions are a minute apart; the newest is at minute 399, so a 60-minute window holds minutes 339..399.
        var outputs = await Check(new MonitorPerformanceInputs { Model = "returns", Data = PriceTable(Trades), Window = TimeSpan.FromMinutes(60), MinRows = 10 });

        Assert.Equal(61 - Horizon, outputs.Rows);
        Assert.Equal(Horizon, outputs.Pending);
        Assert.StartsWith(TimeOf(339).ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture), outputs.From);
    }

    [Fact]
    public async Task An_explicit_until_ends_the_window_there_and_an_unreadable_one_names_the_input()
    {
        var label = new LabelSpec { Name = "ret", Kind = LabelKind.ForwardReturn, Horizon = Horizon, Column = "price" };
        var champion = Champion("returns", label, "Regression");
        StoreDecisions("returns", champion.Version, Trades, i => _scores[i] - 0.5);
        var inputs = new MonitorPerformanceInputs { Model = "returns", Data = PriceTable(Trades), Window = TimeSpan.FromMinutes(100), MinRows = 10 };

        // Minutes 100..200, all with their horizon inside the data.
        var outputs = await Check(inputs with { Until = "2024-05-01T03:20:00Z" });
        Assert.Equal(101, outputs.Rows);
        Assert.Equal(0, outputs.Pending);
        Assert.Equal("2024-05-01T03:20:00.000000Z", outputs.Until);

        var failure = await Assert.ThrowsAsync<StepInputException>(() => Check(inputs with { Until = "yesterday-ish" }));
        Assert.Equal("until", failure.Input);
    }

    [Fact]
    public async Task Too_few_decisions_give_a_result_that_says_so_and_is_not_degraded_unless_asked_to_fail()
    {
        var label = new LabelSpec { Name = "ret", Kind = LabelKind.ForwardReturn, Horizon = Horizon, Column = "price" };
        var champion = Champion("returns", label, "Regression");
        StoreDecisions("returns", champion.Version, 12, i => -1);

        var inputs = new MonitorPerformanceInputs { Model = "returns", Data = PriceTable(Trades), MinRows = 30, MinSharpe = 1e9 };
        var outputs = await Check(inputs);
        Assert.False(outputs.EnoughRows);
        Assert.False(outputs.Degraded);
        Assert.Equal(12, outputs.Rows);
        Assert.Empty(Events(MonitorPerformanceStep.DegradedEvent));
        Assert.False((bool)JsonNode.Parse(Assert.Single(Events(MonitorPerformanceStep.CheckedEvent)).PayloadJson)!["enough_rows"]!);

        var failure = await Assert.ThrowsAsync<StepInputException>(() => Check(inputs with { FailOnTooFewRows = true }));
        Assert.Equal("min_rows", failure.Input);
    }

    [Fact]
    public async Task A_model_whose_target_has_no_recorded_label_definition_is_refused_with_the_reason()
    {
        var staged = _context.StageArtifact("model", "txt");
        File.WriteAllText(staged.Path, "hand made");
        var model = _context.CommitArtifact(staged);
        var now = DateTime.UtcNow;
        _context.Store.CompleteStepRun(new StepRunRecord("run-x", "train", "train/gbdt", 1, StepStatus.Succeeded, null, null, 1, now, now, 0,
            """{"Target":"up","Objective":"Binary"}""", null, null), [("model", model)], [], [model]);
        var version = _context.Registry.Register("hand", model, null, null, "test");
        _context.Registry.Promote("hand", version.Version, "champion", "test");

        var failure = await Assert.ThrowsAsync<StepInputException>(() => Check(new MonitorPerformanceInputs { Model = "hand", Data = PriceTable(10) }));
        Assert.Equal("model", failure.Input);
        Assert.Contains("featurize/labels", failure.Message);
    }

    [Fact]
    public async Task Thresholds_not_set_on_the_step_come_from_the_workspace_monitor_section()
    {
        var label = new LabelSpec { Name = "ret", Kind = LabelKind.ForwardReturn, Horizon = Horizon, Column = "price" };
        var champion = Champion("returns", label, "Regression");
        StoreDecisions("returns", champion.Version, Trades, i => _scores[i] - 0.5);
        _context.Settings = new WorkspaceSettings { Monitor = new MonitorSettings { MinSharpe = 1e12, MinWinRate = 0, MinRows = 10 } };

        var outputs = await Check(new MonitorPerformanceInputs { Model = "returns", Data = PriceTable(Trades) });

        Assert.Equal(["sharpe"], Events(MonitorPerformanceStep.DegradedEvent).Select(e => (string)JsonNode.Parse(e.PayloadJson)!["metric"]!));
        Assert.True(outputs.Degraded);
    }

    private static double BruteForceEce(int[] y, double[] p, int bins)
    {
        var total = 0.0;
        for (var b = 0; b < bins; b++)
        {
            var members = Enumerable.Range(0, y.Length).Where(i => Math.Min((int)(p[i] * bins), bins - 1) == b).ToArray();
            if (members.Length == 0) continue;
            total += members.Length / (double)y.Length * Math.Abs(members.Average(i => (double)y[i]) - members.Average(i => p[i]));
        }
        return total;
    }

    private static double BruteForceSharpe(double[] signal, double[] returns, double periodsPerYear)
    {
        var products = signal.Zip(returns, (s, r) => s * r).ToArray();
        var mean = products.Average();
        var sd = Math.Sqrt(products.Sum(v => (v - mean) * (v - mean)) / (products.Length - 1));
        return mean / sd * Math.Sqrt(periodsPerYear);
    }
}
