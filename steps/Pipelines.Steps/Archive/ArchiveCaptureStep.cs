using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using DuckDB.NET.Data;
using Pipelines.Abstractions;
using Pipelines.Learning.Archive;
using Pipelines.Steps.Tables;

namespace Pipelines.Steps.Archive;

/// <summary>
/// Keeps rare market events so later training can learn from them again: judges each UTC day of the recent window by
/// the declared criteria (the window's drift, the day's share of a regime, the day's volatility), merges consecutive
/// qualifying days into one event (see <see cref="QualifyingRuns"/>), and archives each event not overlapping one
/// already in the archive, with its rows, publishing <c>archive.captured</c>. Every input is checked before anything
/// is written, and a window already archived is left alone, so running it again adds nothing.
/// </summary>
[Step("archive/capture", "Monitor", "Capture rare events", Cacheable = false,
    Description = "Judge each UTC day of a recent window by declared criteria (the window's drift score above a level, the day's share of a regime such as HIGH above a level, the day's realised volatility or a volatility index above a level for N consecutive days), merge consecutive qualifying days into one event, and archive each event whose window does not overlap one already archived: its window, the criteria values and its labelled rows (a Parquet artifact) go to the store's archive_events, and archive.captured is published. Outputs the rows of every archived event for a train step's archive input.")]
public sealed class ArchiveCaptureStep : Step<ArchiveCaptureInputs, ArchiveCaptureOutputs>
{
    private const long DayMs = 86_400_000;
    private const string EventColumn = "archive_event";
    private static readonly string[] DriftStatistics = ["psi", "ks_statistic", "wasserstein", "jensen_shannon"];

    public override Task<ArchiveCaptureOutputs> ExecuteAsync(ArchiveCaptureInputs inputs, IStepContext context, CancellationToken cancellationToken)
    {
        CheckCriteria(inputs);
        if (inputs.Data.Kind != "table" || inputs.Data.Format != "parquet")
            throw new StepInputException("data", $"expects a table artifact, got a {inputs.Data.Kind} ({inputs.Data.Format})");
        var drift = inputs.Drift is { } d ? (Criterion: d, Score: DriftScore(d, context)) : default((DriftCriterion Criterion, double Score)?);

        using var connection = ParquetTableWriter.OpenScratch();
        var dataPath = context.OpenArtifact(inputs.Data);
        var source = $"read_parquet({SqlText.Literal(dataPath)})";
        var columns = TableReader.Describe(connection, dataPath);
        var timeMs = EpochMilliseconds.Sql(columns, "time_column", inputs.TimeColumn);
        var days = DailyMeasures(connection, source, columns, timeMs, inputs);
        cancellationToken.ThrowIfCancellationRequested();

        var windowDrifted = drift is not { } judged || judged.Score > judged.Criterion.Above;
        var judgedDays = days.Where(day => day.Rows >= inputs.MinRowsPerDay).ToList();
        var verdicts = judgedDays.Select(day => windowDrifted && Qualifies(day, inputs)).ToList();
        var runs = QualifyingRuns.Find(judgedDays.Select(day => day.Day).ToList(), verdicts, inputs.Volatility?.Days ?? 1);

        var archived = context.Archive.Events(inputs.Archive);
        var captured = new List<ArchivedEvent>();
        var capturedRows = new Dictionary<string, Artifact>(StringComparer.Ordinal);
        var refused = new List<string>();
        var windows = new JsonArray();
        foreach (var run in runs)
        {
            var start = DateTime.UnixEpoch.AddDays(run.FirstDay);
            var end = DateTime.UnixEpoch.AddDays(run.LastDay + 1);
            var name = $"{inputs.Archive}-{start:yyyy-MM-dd}";
            var window = new JsonObject { ["event"] = name, ["window_start"] = Iso(start), ["window_end"] = Iso(end), ["days"] = run.Days };
            windows.Add(window);
            if (archived.FirstOrDefault(e => e.Overlaps(start, end) || e.Name == name) is { } earlier)
            {
                refused.Add(Refusal(start, end, earlier));
                window["outcome"] = $"refused: overlaps {earlier.Name}";
                continue;
            }

            var (rows, count) = WriteRows(connection, source, columns, timeMs, run, name, inputs.TimeColumn, context, cancellationToken);
            var criteria = Criteria(inputs, drift?.Score, judgedDays.Where(day => day.Day >= run.FirstDay && day.Day <= run.LastDay));
            var candidate = new ArchivedEvent(inputs.Archive, name, start, end, criteria.ToJsonString(), rows.Sha256, count);
            // The store re-checks inside its transaction, so two captures of one window cannot both land.
            if (context.Archive.TryAdd(candidate) is { } raced)
            {
                refused.Add(Refusal(start, end, raced));
                window["outcome"] = $"refused: overlaps {raced.Name}";
                continue;
            }
            captured.Add(candidate);
            capturedRows[candidate.RowsSha256] = rows;
            window["outcome"] = "captured";
            window["rows"] = count;
            window["rows_sha256"] = rows.Sha256;
            context.Events.Publish("archive.captured", payloadJson: new JsonObject
            {
                ["archive"] = inputs.Archive, ["event"] = name, ["window_start"] = Iso(start), ["window_end"] = Iso(end), ["days"] = run.Days,
                ["rows"] = count, ["rows_sha256"] = rows.Sha256, ["criteria"] = JsonNode.Parse(candidate.CriteriaJson),
            }.ToJsonString());
            context.Log.Information("Archived {Event}: {Start:yyyy-MM-dd} to {End:yyyy-MM-dd} ({Days} days, {Rows} rows)", name, start, end.AddDays(-1), run.Days, count);
        }
        foreach (var line in refused) context.Log.Information("Not archived again: {Reason}", line);
        if (runs.Count == 0) context.Log.Information("No rare event in {Days} judged days", judgedDays.Count);

        // An event is archived just before its step's results commit; had the process died in between, its rows would
        // never have been recorded. Such an event still blocks its window, but has no rows to train on.
        var archiveRows = new List<Artifact>();
        foreach (var e in archived.Concat(captured).OrderBy(e => e.WindowStart))
        {
            if ((capturedRows.GetValueOrDefault(e.RowsSha256) ?? context.FindArtifact(e.RowsSha256)) is { } rows) archiveRows.Add(rows);
            else context.Log.Warning("The rows of archived event {Event} (artifact {Rows}) are not in the store; training leaves the event out", e.Name, e.RowsSha256[..12]);
        }
        var report = new JsonObject
        {
            ["archive"] = inputs.Archive,
            ["data_sha256"] = inputs.Data.Sha256,
            ["drift"] = drift is { } x ? new JsonObject { ["statistic"] = x.Criterion.Statistic, ["above"] = x.Criterion.Above, ["score"] = Finite(x.Score), ["drifted"] = windowDrifted } : null,
            ["days"] = new JsonArray(days.Select(day => (JsonNode)DayJson(day, day.Rows >= inputs.MinRowsPerDay && windowDrifted && Qualifies(day, inputs), inputs)).ToArray()),
            ["windows"] = windows,
        };
        var staged = context.StageArtifact("report", "json");
        File.WriteAllText(staged.Path, report.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return Task.FromResult(new ArchiveCaptureOutputs
        {
            Captured = captured.Count > 0, Events = captured.Select(e => e.Name).ToList(), Refused = refused, ArchiveRows = archiveRows,
            Report = context.CommitArtifact(staged),
        });
    }

    /// <summary>One UTC day of the window: its rows and each declared criterion's measure (NaN when it cannot be measured).</summary>
    private sealed record DayMeasures(long Day, long Rows, double RegimeShare, double Volatility);

    private static void CheckCriteria(ArchiveCaptureInputs inputs)
    {
        if (string.IsNullOrWhiteSpace(inputs.Archive)) throw new StepInputException("archive", "name the archive");
        if (inputs.Drift is null && inputs.Regime is null && inputs.Volatility is null)
            throw new StepInputException("archive", "declare at least one criterion: drift, regime or volatility");
        if (inputs.MinRowsPerDay < 1) throw new StepInputException("min_rows_per_day", "must be at least 1");
        if (inputs.Drift is { } drift)
        {
            if (!DriftStatistics.Contains(drift.Statistic))
                throw new StepInputException("drift.statistic", $"'{drift.Statistic}' is not a per-feature statistic of a drift report; use one of {string.Join(", ", DriftStatistics)}");
            if (!double.IsFinite(drift.Above) || drift.Above < 0) throw new StepInputException("drift.above", "must be a finite number, at least 0");
        }
        if (inputs.Regime is { } regime && (!double.IsFinite(regime.Above) || regime.Above is < 0 or >= 1))
            throw new StepInputException("regime.above", "must be a share in [0, 1)");
        if (inputs.Volatility is { } volatility)
        {
            if ((volatility.PriceColumn is null) == (volatility.Column is null))
                throw new StepInputException("volatility", "give either price_column (realised volatility of a price) or column (a volatility index series), not both or neither");
            if (!double.IsFinite(volatility.Above) || volatility.Above < 0) throw new StepInputException("volatility.above", "must be a finite number, at least 0");
            if (volatility.Days < 1) throw new StepInputException("volatility.days", "must be at least 1");
        }
    }

    /// <summary>The largest finite value of the chosen statistic over the drift report's features.</summary>
    private static double DriftScore(DriftCriterion criterion, IStepContext context)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(context.OpenArtifact(criterion.Report)));
        }
        catch (JsonException e)
        {
            throw new StepInputException("drift.report", $"artifact {criterion.Report.ShortId} is not JSON: {e.Message}");
        }
        if (root?["features"] is not JsonArray features)
            throw new StepInputException("drift.report", $"artifact {criterion.Report.ShortId} is not a drift/check report (it has no features list)");
        var values = features.Select(f => f?[criterion.Statistic]?.GetValue<double>()).Where(v => v is { } value && double.IsFinite(value)).Select(v => v!.Value).ToList();
        if (values.Count == 0) throw new StepInputException("drift.report", $"the drift report holds no {criterion.Statistic} value for any feature");
        return values.Max();
    }

    private static string TypeOf(IReadOnlyList<(string Name, string Type)> columns, string field, string column) =>
        columns.FirstOrDefault(c => c.Name == column).Type
        ?? throw new StepInputException(field, $"column '{column}' is not in the data (columns: {string.Join(", ", columns.Select(c => c.Name))})");

    private static List<DayMeasures> DailyMeasures(DuckDBConnection connection, string source, IReadOnlyList<(string Name, string Type)> columns, string timeMs,
        ArchiveCaptureInputs inputs)
    {
        var regime = "CAST(NULL AS DOUBLE)";
        if (inputs.Regime is { } r)
        {
            var type = TypeOf(columns, "regime.column", r.Column);
            var column = SqlText.Identifier(r.Column);
            // A numeric regime (class ids) compares as a number, so value 2 matches 2.0; a named one compares as text.
            var match = TableReader.IsNumeric(type) && double.TryParse(r.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
                ? $"CAST({column} AS DOUBLE) = {number.ToString("R", CultureInfo.InvariantCulture)}"
                : $"CAST({column} AS VARCHAR) = {SqlText.Literal(r.Value)}";
            regime = $"CASE WHEN {column} IS NULL THEN NULL WHEN {match} THEN 1.0 ELSE 0.0 END";
        }
        var volatility = "CAST(NULL AS DOUBLE)";
        var aggregate = "avg(__measure)";
        if (inputs.Volatility is { PriceColumn: { } price })
        {
            if (!TableReader.IsNumeric(TypeOf(columns, "volatility.price_column", price)))
                throw new StepInputException("volatility.price_column", $"column '{price}' is not numeric");
            var priceSql = SqlText.Identifier(price);
            var nonPositive = connection.Scalar<long>($"SELECT count(*) FROM {source} WHERE {priceSql} <= 0");
            if (nonPositive > 0) throw new StepInputException("volatility.price_column", $"column '{price}' holds {nonPositive} price(s) at or below zero; log returns need positive prices");
            volatility = $"ln({priceSql} / lag({priceSql}) OVER (ORDER BY {timeMs}))";
            aggregate = "sqrt(sum(__measure * __measure))";
        }
        else if (inputs.Volatility is { Column: { } index })
        {
            if (!TableReader.IsNumeric(TypeOf(columns, "volatility.column", index)))
                throw new StepInputException("volatility.column", $"column '{index}' is not numeric");
            volatility = $"CAST({SqlText.Identifier(index)} AS DOUBLE)";
        }
        var nulls = connection.Scalar<long>($"SELECT count(*) FROM {source} WHERE {timeMs} IS NULL");
        if (nulls > 0) throw new StepInputException("time_column", $"column '{inputs.TimeColumn}' is NULL in {nulls} row(s)");

        var sql = $"""
            WITH measured AS (
                SELECT CAST(floor({timeMs} / {DayMs}) AS BIGINT) AS __day, {regime} AS __regime, {volatility} AS __measure FROM {source}
            )
            SELECT __day, count(*), avg(__regime), {aggregate} FROM measured GROUP BY __day ORDER BY __day
            """;
        return connection.Rows(sql).Select(row => new DayMeasures(
            Convert.ToInt64(row[0], CultureInfo.InvariantCulture), Convert.ToInt64(row[1], CultureInfo.InvariantCulture),
            row[2] is null ? double.NaN : Convert.ToDouble(row[2], CultureInfo.InvariantCulture),
            row[3] is null ? double.NaN : Convert.ToDouble(row[3], CultureInfo.InvariantCulture))).ToList();
    }

    /// <summary>Whether every declared per-day criterion holds on <paramref name="day"/>; a measure that is missing never qualifies.</summary>
    private static bool Qualifies(DayMeasures day, ArchiveCaptureInputs inputs) =>
        (inputs.Regime is not { } regime || day.RegimeShare > regime.Above)
        && (inputs.Volatility is not { } volatility || day.Volatility > volatility.Above);

    private static (Artifact Rows, long Count) WriteRows(DuckDBConnection connection, string source, IReadOnlyList<(string Name, string Type)> columns, string timeMs,
        DayRun run, string name, string timeColumn, IStepContext context, CancellationToken cancellationToken)
    {
        // The event's name rides along on every row, so a trainer mixing several events can say which rows came from which.
        var all = columns.Any(c => c.Name == EventColumn) ? $"* EXCLUDE ({SqlText.Identifier(EventColumn)})" : "*";
        var select = $"SELECT {all}, {SqlText.Literal(name)} AS {EventColumn} FROM {source} " +
                     $"WHERE {timeMs} >= {run.FirstDay * DayMs} AND {timeMs} < {(run.LastDay + 1) * DayMs} ORDER BY {SqlText.Identifier(timeColumn)}";
        var table = ParquetTableWriter.Write(connection, select, context, "data", cancellationToken);
        return (table.Table, table.Rows);
    }

    private static JsonObject Criteria(ArchiveCaptureInputs inputs, double? driftScore, IEnumerable<DayMeasures> days)
    {
        var eventDays = days.ToList();
        var criteria = new JsonObject();
        if (inputs.Drift is { } drift)
            criteria["drift"] = new JsonObject { ["statistic"] = drift.Statistic, ["above"] = drift.Above, ["score"] = Finite(driftScore ?? double.NaN) };
        if (inputs.Regime is { } regime)
            criteria["regime"] = new JsonObject
            {
                ["column"] = regime.Column, ["value"] = regime.Value, ["above"] = regime.Above,
                ["share_by_day"] = ByDay(eventDays, day => day.RegimeShare),
            };
        if (inputs.Volatility is { } volatility)
            criteria["volatility"] = new JsonObject
            {
                ["measure"] = volatility.PriceColumn is { } price ? $"realised volatility of {price}" : $"daily mean of {volatility.Column}",
                ["above"] = volatility.Above, ["days"] = volatility.Days, ["value_by_day"] = ByDay(eventDays, day => day.Volatility),
            };
        return criteria;
    }

    private static JsonObject ByDay(IEnumerable<DayMeasures> days, Func<DayMeasures, double> measure)
    {
        var result = new JsonObject();
        foreach (var day in days) result[DayText(day.Day)] = Finite(measure(day));
        return result;
    }

    private static JsonObject DayJson(DayMeasures day, bool qualifies, ArchiveCaptureInputs inputs)
    {
        var json = new JsonObject { ["day"] = DayText(day.Day), ["rows"] = day.Rows, ["judged"] = day.Rows >= inputs.MinRowsPerDay };
        if (inputs.Regime is not null) json["regime_share"] = Finite(day.RegimeShare);
        if (inputs.Volatility is not null) json["volatility"] = Finite(day.Volatility);
        json["qualifies"] = qualifies;
        return json;
    }

    private static string Refusal(DateTime start, DateTime end, ArchivedEvent earlier) =>
        $"{start:yyyy-MM-dd} to {end.AddDays(-1):yyyy-MM-dd} overlaps archived event {earlier.Name} ({earlier.WindowStart:yyyy-MM-dd} to {earlier.WindowEnd.AddDays(-1):yyyy-MM-dd})";

    private static string DayText(long day) => DateTime.UnixEpoch.AddDays(day).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Iso(DateTime time) => time.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static double? Finite(double value) => double.IsFinite(value) ? value : null;
}
