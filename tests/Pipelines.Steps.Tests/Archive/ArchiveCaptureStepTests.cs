using System.Text.Json.Nodes;
using Pipelines.Abstractions;
using Pipelines.Steps.Archive;
using Pipelines.Steps.Tables;
using Pipelines.Steps.Tests.Support;

namespace Pipelines.Steps.Tests.Archive;

public sealed class ArchiveCaptureStepTests : IDisposable
{
    private const double MarchFirst2023 = 1_677_628_800_000;
    private const int BarsPerDay = 144; // ten-minute bars
    private const double BarMs = 600_000;
    private readonly StoreStepContext _context = new(stepId: "capture");

    public void Dispose() => _context.Dispose();

    /// <summary>
    /// Ten-minute bars of a random walk over <paramref name="days"/> days: per-bar volatility 0.1 % (a day's realised
    /// volatility near 1.2 %), four times that on the stress days (near 4.8 %), where most rows are also regime 2 (HIGH).
    /// </summary>
    private Artifact Bars(int firstDay, int days, ISet<int> stressDays, int seed = 7)
    {
        var random = new Random(seed);
        var rows = new List<double?[]>();
        var price = 20_000.0;
        for (var day = firstDay; day < firstDay + days; day++)
        {
            var stress = stressDays.Contains(day);
            for (var bar = 0; bar < BarsPerDay; bar++)
            {
                var z = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                price *= Math.Exp(z * (stress ? 0.004 : 0.001));
                var regime = stress ? (random.NextDouble() < 0.8 ? 2 : 1) : (random.NextDouble() < 0.1 ? 2 : 0);
                rows.Add([MarchFirst2023 + (day * BarsPerDay + bar) * BarMs, price, regime]);
            }
        }
        return TableFiles.Parquet(_context, ["open_time", "close", "regime"], rows);
    }

    private static ArchiveCaptureInputs Criteria(Artifact data) => new()
    {
        Archive = "stress", Data = data,
        Regime = new RegimeCriterion { Column = "regime", Value = "2", Above = 0.5 },
        Volatility = new VolatilityCriterion { PriceColumn = "close", Above = 0.03, Days = 2 },
    };

    private int _captures;

    /// <summary>Runs the step and records its outputs as the engine would, so a later capture finds the archived rows in the store.</summary>
    private ArchiveCaptureOutputs Capture(ArchiveCaptureInputs inputs)
    {
        var outputs = new ArchiveCaptureStep().ExecuteAsync(inputs, _context, default).GetAwaiter().GetResult();
        _context.RecordOutputs($"capture-{++_captures}", [.. outputs.ArchiveRows, outputs.Report]);
        return outputs;
    }

    private IReadOnlyList<JsonNode> CapturedEvents() => _context.Query("SELECT payload FROM events WHERE type = 'archive.captured' ORDER BY seq")
        .Select(row => JsonNode.Parse((string)row[0]!)!).ToList();

    private long ArchivedEvents() => (long)_context.Query("SELECT count(*) FROM archive_events")[0][0]!;

    [Fact]
    public void Consecutive_stressed_days_make_one_event_whose_window_and_rows_cover_them()
    {
        var outputs = Capture(Criteria(Bars(0, 14, new HashSet<int> { 6, 7, 8 })));

        Assert.True(outputs.Captured);
        Assert.Equal(["stress-2023-03-07"], outputs.Events);
        var stored = _context.Archive.Events("stress").Single();
        Assert.Equal(new DateTime(2023, 3, 7, 0, 0, 0, DateTimeKind.Utc), stored.WindowStart);
        Assert.Equal(new DateTime(2023, 3, 10, 0, 0, 0, DateTimeKind.Utc), stored.WindowEnd);
        Assert.Equal(3 * BarsPerDay, stored.Rows);
        var rows = Assert.Single(outputs.ArchiveRows);
        Assert.Equal(stored.RowsSha256, rows.Sha256);
        using var connection = ParquetTableWriter.OpenScratch();
        var path = _context.OpenArtifact(rows);
        var span = connection.Rows($"SELECT min(open_time), max(open_time), count(DISTINCT archive_event), min(archive_event) FROM read_parquet('{path}')")[0];
        Assert.Equal(MarchFirst2023 + 6 * BarsPerDay * BarMs, (double)span[0]!);
        Assert.Equal(MarchFirst2023 + (9 * BarsPerDay - 1) * BarMs, (double)span[1]!);
        Assert.Equal(1L, Convert.ToInt64(span[2]));
        Assert.Equal("stress-2023-03-07", span[3]);

        var published = Assert.Single(CapturedEvents());
        Assert.Equal("2023-03-07T00:00:00Z", (string)published["window_start"]!);
        Assert.Equal("2023-03-10T00:00:00Z", (string)published["window_end"]!);
        Assert.Equal(3, (int)published["days"]!);
        Assert.Equal(3, published["criteria"]!["volatility"]!["value_by_day"]!.AsObject().Count);
    }

    [Fact]
    public void Overlapping_windows_make_one_event()
    {
        var stress = new HashSet<int> { 6, 7, 8 };
        var first = Capture(Criteria(Bars(0, 10, stress)));
        // A later look at the data whose window overlaps the first (days 4 to 13), seeing the same stress from another angle.
        var second = Capture(Criteria(Bars(4, 10, stress, seed: 11)));

        Assert.True(first.Captured);
        Assert.False(second.Captured);
        Assert.Contains("overlaps archived event stress-2023-03-07", Assert.Single(second.Refused));
        Assert.Equal(1, ArchivedEvents());
        Assert.Single(CapturedEvents());
        Assert.Equal(first.ArchiveRows, second.ArchiveRows);
    }

    [Fact]
    public void A_window_overlapping_an_archived_event_is_not_captured_again()
    {
        var data = Bars(0, 14, new HashSet<int> { 6, 7, 8 });
        Capture(Criteria(data));

        var again = Capture(Criteria(data));

        Assert.False(again.Captured);
        Assert.Empty(again.Events);
        Assert.Single(again.Refused);
        Assert.Equal(1, ArchivedEvents());
        Assert.Single(CapturedEvents());
    }

    [Fact]
    public void A_stationary_stream_captures_nothing()
    {
        var outputs = Capture(Criteria(Bars(0, 21, new HashSet<int>())));

        Assert.False(outputs.Captured);
        Assert.Empty(outputs.Events);
        Assert.Empty(outputs.ArchiveRows);
        Assert.Equal(0, ArchivedEvents());
        Assert.Empty(CapturedEvents());
        var days = JsonNode.Parse(File.ReadAllText(_context.OpenArtifact(outputs.Report)))!["days"]!.AsArray();
        Assert.Equal(21, days.Count);
        Assert.All(days, day => Assert.False((bool)day!["qualifies"]!));
    }

    [Fact]
    public void A_single_stressed_day_is_no_event_when_two_consecutive_days_are_required()
    {
        var outputs = Capture(Criteria(Bars(0, 10, new HashSet<int> { 3, 6 })));

        Assert.False(outputs.Captured);
        Assert.Equal(0, ArchivedEvents());
    }

    [Fact]
    public void Days_must_meet_every_criterion()
    {
        // Volatile days whose rows are not mostly HIGH: the regime criterion keeps them out.
        var inputs = Criteria(Bars(0, 14, new HashSet<int> { 6, 7, 8 })) with
        {
            Regime = new RegimeCriterion { Column = "regime", Value = "0", Above = 0.5 },
        };

        Assert.False(Capture(inputs).Captured);
    }

    [Fact]
    public void A_window_that_has_not_drifted_captures_nothing()
    {
        var calm = Report(0.12);
        var drifted = Report(0.41);
        var data = Bars(0, 14, new HashSet<int> { 6, 7, 8 });

        Assert.False(Capture(Criteria(data) with { Drift = new DriftCriterion { Report = calm, Above = 0.25 } }).Captured);
        var outputs = Capture(Criteria(data) with { Drift = new DriftCriterion { Report = drifted, Above = 0.25 } });

        Assert.True(outputs.Captured);
        var criteria = JsonNode.Parse(_context.Archive.Events("stress").Single().CriteriaJson)!;
        Assert.Equal(0.41, (double)criteria["drift"]!["score"]!);
    }

    private Artifact Report(double worstPsi)
    {
        var staged = _context.StageArtifact("report", "json");
        File.WriteAllText(staged.Path, new JsonObject
        {
            ["features"] = new JsonArray(new JsonObject { ["feature"] = "natr_30", ["psi"] = worstPsi }, new JsonObject { ["feature"] = "roc_5", ["psi"] = 0.01 }),
        }.ToJsonString());
        return _context.CommitArtifact(staged);
    }

    [Fact]
    public void An_index_series_column_can_be_the_volatility_measure()
    {
        var rows = Enumerable.Range(0, 10 * BarsPerDay).Select(i => new double?[]
        {
            MarchFirst2023 + i * BarMs, i / BarsPerDay is 4 or 5 ? 45 : 18,
        });
        var data = TableFiles.Parquet(_context, ["open_time", "vix"], rows);

        var outputs = Capture(new ArchiveCaptureInputs
        {
            Archive = "stress", Data = data, Volatility = new VolatilityCriterion { Column = "vix", Above = 30, Days = 2 },
        });

        Assert.Equal(["stress-2023-03-05"], outputs.Events);
        Assert.Equal(new DateTime(2023, 3, 7, 0, 0, 0, DateTimeKind.Utc), _context.Archive.Events("stress").Single().WindowEnd);
    }

    [Fact]
    public void Criteria_naming_an_unknown_column_fail_naming_it_and_write_nothing()
    {
        var data = Bars(0, 14, new HashSet<int> { 6, 7, 8 });

        var error = Assert.Throws<StepInputException>(() => Capture(Criteria(data) with
        {
            Regime = new RegimeCriterion { Column = "regime_nxt", Value = "2" },
        }));

        Assert.Equal("regime.column", error.Input);
        Assert.Contains("'regime_nxt' is not in the data", error.Message);
        Assert.Equal(0, ArchivedEvents());
        Assert.Empty(CapturedEvents());
    }

    [Fact]
    public void Criteria_that_cannot_decide_are_refused()
    {
        var data = Bars(0, 3, new HashSet<int>());

        Assert.Equal("archive", Assert.Throws<StepInputException>(() => Capture(new ArchiveCaptureInputs { Archive = "stress", Data = data })).Input);
        Assert.Equal("volatility", Assert.Throws<StepInputException>(() => Capture(Criteria(data) with
        {
            Volatility = new VolatilityCriterion { PriceColumn = "close", Column = "close", Above = 0.03 },
        })).Input);
        Assert.Equal("volatility.days", Assert.Throws<StepInputException>(() => Capture(Criteria(data) with
        {
            Volatility = new VolatilityCriterion { PriceColumn = "close", Above = 0.03, Days = 0 },
        })).Input);
        Assert.Equal("regime.above", Assert.Throws<StepInputException>(() => Capture(Criteria(data) with
        {
            Regime = new RegimeCriterion { Column = "regime", Value = "2", Above = 1.5 },
        })).Input);
        Assert.Equal(0, ArchivedEvents());
    }

    [Fact]
    public async Task An_archived_event_whose_rows_never_reached_the_store_still_blocks_its_window_but_is_not_offered_for_training()
    {
        var data = Bars(0, 14, new HashSet<int> { 6, 7, 8 });
        // As if the process had died after archiving the event and before its step's results were committed.
        await new ArchiveCaptureStep().ExecuteAsync(Criteria(data), _context, default);

        var again = Capture(Criteria(data));

        Assert.False(again.Captured);
        Assert.Single(again.Refused);
        Assert.Empty(again.ArchiveRows);
        Assert.Contains(_context.Messages, m => m.Contains("are not in the store", StringComparison.Ordinal));
    }
}
