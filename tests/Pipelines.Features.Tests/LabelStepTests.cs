using Pipelines.Abstractions;
using Pipelines.Steps.Labels;
using Pipelines.Steps.Tables;

namespace Pipelines.Features.Tests;

/// <summary>
/// Labels on eight hand-made bars; every expected value is worked out from the table below in the assertion
/// itself, so a reader can check it with a calculator.
/// </summary>
public sealed class LabelStepTests : IDisposable
{
    //   t      1    2    3    4    5      6    7    8
    //   close  100  102  101  104  104.4  103  108  110
    //   high   101  103  102  105  105    104  109  111
    //   low    99   101  100  102  103    100  107  109
    private static readonly double[] Close = [100, 102, 101, 104, 104.4, 103, 108, 110];
    private static readonly double[] High = [101, 103, 102, 105, 105, 104, 109, 111];
    private static readonly double[] Low = [99, 101, 100, 102, 103, 100, 107, 109];

    private readonly ScratchStepContext _context = new();

    public void Dispose() => _context.Dispose();

    /// <summary>The bars, with every price from row <paramref name="alteredFrom"/> (1-based) on multiplied by <paramref name="factor"/>.</summary>
    private Artifact Bars(int alteredFrom = int.MaxValue, double factor = 1)
    {
        var rows = Enumerable.Range(0, Close.Length).Select(i =>
        {
            var f = i + 1 >= alteredFrom ? factor : 1;
            return FormattableString.Invariant($"({i + 1}, {Close[i] * f}, {High[i] * f}, {Low[i] * f})");
        });
        return _context.TableOf($"SELECT * FROM (VALUES {string.Join(", ", rows)}) AS bars(t, close, high, low)");
    }

    private Task<LabelOutputs> Label(Artifact input, IReadOnlyList<LabelSpec> labels, string? fitUntil = null, double? fitFraction = null, bool dropIncomplete = false) =>
        new LabelStep().ExecuteAsync(new LabelInputs
        {
            Input = input, TimeColumn = "t", Labels = labels, FitUntil = fitUntil, FitFraction = fitFraction, DropIncomplete = dropIncomplete,
        }, _context, CancellationToken.None);

    private object?[] Column(LabelOutputs outputs, string column)
    {
        using var connection = ParquetTableWriter.OpenScratch();
        return connection.Rows($"SELECT {SqlText.Identifier(column)} FROM read_parquet({SqlText.Literal(_context.OpenArtifact(outputs.Table))}) ORDER BY t")
            .Select(r => r[0]).ToArray();
    }

    private static void Near(double?[] expected, object?[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            if (expected[i] is null) Assert.True(actual[i] is null, $"row {i + 1}: expected NULL, got {actual[i]}");
            else Assert.True(actual[i] is double d && Math.Abs(d - expected[i]!.Value) < 1e-12, $"row {i + 1}: expected {expected[i]}, got {actual[i]}");
        }
    }

    private static LabelSpec ForwardReturn2 => new() { Name = "fwd_2", Kind = LabelKind.ForwardReturn, Horizon = 2 };

    [Fact]
    public async Task Forward_returns_look_h_rows_ahead_and_are_null_where_the_horizon_runs_past_the_data()
    {
        var outputs = await Label(Bars(), [ForwardReturn2, new LabelSpec { Name = "log_fwd_2", Kind = LabelKind.ForwardReturn, Horizon = 2, Log = true }]);

        Assert.Equal(8, outputs.Rows);
        Assert.Equal(["fwd_2", "log_fwd_2"], outputs.Labels);
        Near([101 / 100.0 - 1, 104 / 102.0 - 1, 104.4 / 101 - 1, 103 / 104.0 - 1, 108 / 104.4 - 1, 110 / 103.0 - 1, null, null], Column(outputs, "fwd_2"));
        Near([Math.Log(101 / 100.0), Math.Log(104 / 102.0), Math.Log(104.4 / 101), Math.Log(103 / 104.0), Math.Log(108 / 104.4), Math.Log(110 / 103.0), null, null],
            Column(outputs, "log_fwd_2"));
        Assert.Empty(outputs.CutPoints);
    }

    [Fact]
    public async Task Rows_are_labelled_and_written_in_time_order_whatever_order_the_table_keeps()
    {
        var reversed = _context.TableOf($"SELECT * FROM read_parquet({SqlText.Literal(_context.OpenArtifact(Bars()))}) ORDER BY t DESC");

        var outputs = await Label(reversed, [ForwardReturn2]);

        using var connection = ParquetTableWriter.OpenScratch();
        var rows = connection.Rows($"SELECT t, fwd_2 FROM read_parquet({SqlText.Literal(_context.OpenArtifact(outputs.Table))})");
        Assert.Equal(Enumerable.Range(1, 8), rows.Select(r => Convert.ToInt32(r[0])));
        Assert.Equal(101 / 100.0 - 1, (double)rows[0][1]!, 12);
    }

    [Fact]
    public async Task Forward_volatility_is_the_sample_std_of_the_next_h_one_row_log_returns()
    {
        var outputs = await Label(Bars(), [
            new LabelSpec { Name = "vol_2", Kind = LabelKind.ForwardVolatility, Horizon = 2 },
            new LabelSpec { Name = "vol_3_annual", Kind = LabelKind.ForwardVolatility, Horizon = 3, PeriodsPerYear = 100 },
        ]);

        // Two returns a, b have sample std |a - b| / sqrt(2).
        static double Two(double a, double b) => Math.Abs(a - b) / Math.Sqrt(2);
        var r = new double[9]; // r[k] = ln(close[k] / close[k-1]), 1-based rows
        for (var k = 2; k <= 8; k++) r[k] = Math.Log(Close[k - 1] / Close[k - 2]);
        Near([Two(r[2], r[3]), Two(r[3], r[4]), Two(r[4], r[5]), Two(r[5], r[6]), Two(r[6], r[7]), Two(r[7], r[8]), null, null], Column(outputs, "vol_2"));

        // Three returns: mean m, sum of squared deviations / 2; times sqrt(100) = 10.
        static double Three(double a, double b, double c)
        {
            var m = (a + b + c) / 3;
            return Math.Sqrt(((a - m) * (a - m) + (b - m) * (b - m) + (c - m) * (c - m)) / 2) * 10;
        }
        Near([Three(r[2], r[3], r[4]), Three(r[3], r[4], r[5]), Three(r[4], r[5], r[6]), Three(r[5], r[6], r[7]), Three(r[6], r[7], r[8]), null, null, null],
            Column(outputs, "vol_3_annual"));
    }

    [Fact]
    public async Task Direction_is_the_sign_of_the_forward_return_outside_the_dead_band()
    {
        var outputs = await Label(Bars(), [new LabelSpec { Name = "dir_1", Kind = LabelKind.Direction, Horizon = 1, DeadBandBps = 50 }]);

        // One-row returns: +2%, -0.98%, +2.97%, +0.38% (inside ±0.5%), -1.34%, +4.85%, +1.85%, none.
        Assert.Equal([1, -1, 1, 0, -1, 1, 1, null], Column(outputs, "dir_1").Select(v => v is null ? (int?)null : Convert.ToInt32(v)));
    }

    [Fact]
    public async Task A_limit_order_fills_when_a_later_low_or_high_within_the_horizon_reaches_its_price()
    {
        var outputs = await Label(Bars(), [
            new LabelSpec { Name = "bid_fill", Kind = LabelKind.Fill, Horizon = 2, DistanceBps = 100 },
            new LabelSpec { Name = "ask_fill", Kind = LabelKind.Fill, Horizon = 2, DistanceBps = 100, Side = OrderSide.Sell },
        ]);

        // Bid at close * 0.99 against min(low) of the next two rows:
        //   99 vs min(101, 100) no; 100.98 vs min(100, 102) yes; 99.99 vs min(102, 103) no; 102.96 vs min(103, 100) yes;
        //   103.356 vs min(100, 107) yes; 101.97 vs min(107, 109) no; row 7 sees one row only, row 8 none.
        Assert.Equal([0, 1, 0, 1, 1, 0, null, null], Column(outputs, "bid_fill").Select(v => v is null ? (int?)null : Convert.ToInt32(v)));
        // Offer at close * 1.01 against max(high): 101 vs 103 yes; 103.02 vs 105 yes; 102.01 vs 105 yes; 105.04 vs max(105, 104) no;
        //   105.444 vs 109 yes; 104.03 vs 111 yes.
        Assert.Equal([1, 1, 1, 0, 1, 1, null, null], Column(outputs, "ask_fill").Select(v => v is null ? (int?)null : Convert.ToInt32(v)));
    }

    private static LabelSpec Regime => new() { Name = "regime", Kind = LabelKind.Regime, Of = "fwd_2" };

    [Fact]
    public async Task Regime_terciles_are_fitted_on_labels_complete_before_fit_until_and_reported()
    {
        var outputs = await Label(Bars(), [ForwardReturn2, Regime], fitUntil: "6");

        // Rows 1-5 lie before t = 6; a 2-row label is complete inside them for rows 1-3 only:
        // fwd_2 = 0.01, 0.019608 (104/102 - 1), 0.033663 (104.4/101 - 1). quantile_cont interpolates at
        // positions (n - 1) q = 2/3 and 4/3 of the sorted values.
        double a = 101 / 100.0 - 1, b = 104 / 102.0 - 1, c = 104.4 / 101 - 1;
        var low = a + (b - a) * 2 / 3;
        var high = b + (c - b) / 3;
        Assert.Equal(5, outputs.FitRows);
        var cuts = outputs.CutPoints["regime"];
        Assert.Equal(2, cuts.Count);
        Assert.Equal(low, cuts[0], 12);
        Assert.Equal(high, cuts[1], 12);
        // Rows: 0.01 LOW, 0.0196 MID, 0.0337 HIGH, -0.0096 LOW, 0.0345 HIGH, 0.068 HIGH, then no label.
        Assert.Equal(["LOW", "MID", "HIGH", "LOW", "HIGH", "HIGH", null, null], Column(outputs, "regime").Select(v => (string?)v));
    }

    [Fact]
    public async Task Rows_from_fit_until_on_do_not_move_the_cut_points()
    {
        var original = await Label(Bars(), [ForwardReturn2, Regime], fitUntil: "6");
        // Tripling every price from t = 6 changes fwd_2 of rows 4 and 5, which look into those rows.
        var altered = await Label(Bars(alteredFrom: 6, factor: 3), [ForwardReturn2, Regime], fitUntil: "6");

        Assert.NotEqual(Column(original, "fwd_2")[3], Column(altered, "fwd_2")[3]);
        Assert.Equal(original.CutPoints["regime"], altered.CutPoints["regime"]);
    }

    [Fact]
    public async Task Fit_until_reads_a_timestamp_in_the_time_columns_type()
    {
        var byNumber = await Label(Bars(), [ForwardReturn2, Regime], fitUntil: "6");
        // The same bars one minute apart from 00:01; t = 6 is 00:06.
        var timed = _context.TableOf(
            $"SELECT TIMESTAMPTZ '2023-03-01 00:00:00+00' + to_minutes(t) AS open_time, close, high, low FROM read_parquet({SqlText.Literal(_context.OpenArtifact(Bars()))})");

        var byTime = await new LabelStep().ExecuteAsync(new LabelInputs
        {
            Input = timed, Labels = [ForwardReturn2, Regime], FitUntil = "2023-03-01 00:06:00+00",
        }, _context, CancellationToken.None);

        Assert.Equal(5, byTime.FitRows);
        Assert.Equal(byNumber.CutPoints["regime"], byTime.CutPoints["regime"]);
    }

    [Fact]
    public async Task A_fit_fraction_fits_on_the_leading_rows_as_fit_until_does()
    {
        var byTime = await Label(Bars(), [ForwardReturn2, Regime], fitUntil: "6");
        var byFraction = await Label(Bars(), [ForwardReturn2, Regime], fitFraction: 5 / 8.0);

        Assert.Equal(5, byFraction.FitRows);
        Assert.Equal(byTime.CutPoints["regime"], byFraction.CutPoints["regime"]);
    }

    [Fact]
    public async Task Quartiles_of_a_column_use_the_named_classes()
    {
        var outputs = await Label(Bars(), [new LabelSpec { Name = "price_band", Kind = LabelKind.Regime, Of = "close", Classes = ["q1", "q2", "q3", "q4"] }],
            fitFraction: 0.5);

        // Closes of rows 1-4 sorted: 100, 101, 102, 104; quantile_cont at positions 0.75, 1.5, 2.25.
        Assert.Equal([100.75, 101.5, 102.5], outputs.CutPoints["price_band"]);
        Assert.Equal(["q1", "q3", "q2", "q4", "q4", "q4", "q4", "q4"], Column(outputs, "price_band").Select(v => (string?)v));
        Assert.Equal(["price_band of close: q1 < 100.75 <= q2 < 101.5 <= q3 < 102.5 <= q4"], outputs.Regimes);
    }

    [Fact]
    public async Task Drop_incomplete_keeps_only_rows_with_every_label()
    {
        var outputs = await Label(Bars(), [ForwardReturn2, new LabelSpec { Name = "dir_1", Kind = LabelKind.Direction, Horizon = 1 }], dropIncomplete: true);

        Assert.Equal(6, outputs.Rows);
        Assert.Equal([1L, 2, 3, 4, 5, 6], Column(outputs, "t").Select(Convert.ToInt64));
    }

    [Fact]
    public async Task A_regime_without_a_fit_window_is_refused_because_it_would_leak()
    {
        var error = await Assert.ThrowsAsync<StepInputException>(() => Label(Bars(), [ForwardReturn2, Regime]));
        Assert.Equal("fit_until", error.Input);
        Assert.Contains("fit_until or fit_fraction", error.Message);
    }

    [Theory]
    [InlineData("fit_fraction", "must be in (0, 1]", null, 1.5)]
    [InlineData("fit_fraction", "not both", "6", 0.5)]
    [InlineData("fit_until", "'yesterday' is not a value of the time column's type", "yesterday", null)]
    public async Task Bad_fit_windows_are_reported_against_their_input(string input, string message, string? fitUntil, double? fitFraction)
    {
        var error = await Assert.ThrowsAsync<StepInputException>(() => Label(Bars(), [ForwardReturn2, Regime], fitUntil, fitFraction));
        Assert.Equal(input, error.Input);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public async Task Too_few_complete_values_before_fit_until_is_an_error_not_a_degenerate_cut()
    {
        var error = await Assert.ThrowsAsync<StepInputException>(() => Label(Bars(), [ForwardReturn2, Regime], fitUntil: "4"));
        Assert.Contains("only 1 value(s) of 'fwd_2' are complete inside the fit rows", error.Message);
    }

    public static TheoryData<LabelSpec, string> BadLabels => new()
    {
        { new LabelSpec { Name = "v", Kind = LabelKind.ForwardVolatility, Horizon = 1 }, "label 'v' (forward_volatility): horizon must be at least 2" },
        { new LabelSpec { Name = "r", Kind = LabelKind.ForwardReturn }, "label 'r' (forward_return): horizon must be at least 1" },
        { new LabelSpec { Name = "r", Kind = LabelKind.ForwardReturn, Horizon = 1, Column = "mid" }, "price column 'mid' is not in the table" },
        { new LabelSpec { Name = "close", Kind = LabelKind.ForwardReturn, Horizon = 1 }, "already has a column of this name" },
        { new LabelSpec { Name = "f", Kind = LabelKind.Fill, Horizon = 1, DistanceBps = -5 }, "distance_bps must not be negative" },
        { new LabelSpec { Name = "g", Kind = LabelKind.Regime, Of = "nothing" }, "of column 'nothing' is not in the table" },
        { new LabelSpec { Name = "g", Kind = LabelKind.Regime, Of = "close", Classes = ["only"] }, "needs at least two classes" },
        { new LabelSpec { Name = "g", Kind = LabelKind.Regime, Of = "close", Horizon = 5 }, "a regime takes no horizon" },
        { new LabelSpec { Name = "r", Kind = LabelKind.ForwardReturn, Horizon = 1, Of = "close" }, "of: belongs to regime labels only" },
    };

    [Theory]
    [MemberData(nameof(BadLabels))]
    public async Task Bad_labels_are_reported_by_name(LabelSpec label, string message)
    {
        var error = await Assert.ThrowsAsync<StepInputException>(() => Label(Bars(), [label], fitUntil: "6"));
        Assert.Equal("labels", error.Input);
        Assert.Contains(message, error.Message);
    }
}
