using System.Globalization;
using System.Text.RegularExpressions;
using Pipelines.Abstractions;
using DuckDB.NET.Data;
using Pipelines.Learning.Features;
using Pipelines.Steps.Features;
using Pipelines.Steps.Tables;

namespace Pipelines.Steps.Labels;

/// <summary>
/// Adds labels that look ahead — forward returns, forward realised volatility, direction with a dead band,
/// limit-order fills — and regime classes whose quantile cut points are fitted on the early rows only, so the
/// holdout never shapes the classes it is scored on. The cut points are outputs, for a reviewer to see.
/// </summary>
[Step("featurize/labels", "Features", "Labels",
    Description = "Add forward-looking labels to a table in time order: forward return (simple or log), forward realised volatility, direction with a dead band, limit-order fill within h rows, and regime quantile classes fitted only on rows before fit_until (or a leading fraction).")]
public sealed partial class LabelStep : Step<LabelInputs, LabelOutputs>
{
    private const string InputTable = "__label_input";
    private const string ValuesTable = "__label_values";

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex Identifier();

    public override Task<LabelOutputs> ExecuteAsync(LabelInputs inputs, IStepContext context, CancellationToken cancellationToken)
    {
        if (inputs.Input.Kind != "table" || inputs.Input.Format != "parquet")
            throw new StepInputException("input", $"expects a table artifact, got a {inputs.Input.Kind} ({inputs.Input.Format})");
        if (inputs.Labels.Count == 0) throw new StepInputException("labels", "name at least one label");
        var hasRegime = inputs.Labels.Any(l => l.Kind == LabelKind.Regime);
        CheckFitWindow(inputs, hasRegime);

        using var connection = ParquetTableWriter.OpenScratch();
        var path = context.OpenArtifact(inputs.Input);
        connection.Execute($"CREATE VIEW source AS SELECT * FROM read_parquet({SqlText.Literal(path)})");
        var columns = BatchFeaturizer.Columns(connection, "source");
        var horizons = Check(inputs.Labels, columns);
        try
        {
            TimeOrderedTable.Create(connection, InputTable, "source", columns, inputs.TimeColumn);
        }
        catch (FeatureDefinitionException e)
        {
            throw new StepInputException("time_column", e.Message);
        }

        var forward = string.Concat(inputs.Labels.Select((label, index) => label.Kind == LabelKind.Regime ? ""
            : $", {LabelSql.Forward(label, index)} AS {SqlText.Identifier(label.Name)}"));
        Run(connection, $"CREATE TEMP TABLE {ValuesTable} AS SELECT *{forward} FROM ({LabelSql.ReturnsSelect(inputs.Labels, InputTable)})");
        cancellationToken.ThrowIfCancellationRequested();

        var fitRows = hasRegime ? FitRows(connection, inputs) : 0;
        var cutPoints = new Dictionary<string, IReadOnlyList<double>>(StringComparer.Ordinal);
        var regimes = new List<string>();
        var select = new List<string>(columns.Select(SqlText.Identifier));
        foreach (var label in inputs.Labels)
        {
            if (label.Kind != LabelKind.Regime)
            {
                select.Add(SqlText.Identifier(label.Name));
                continue;
            }
            var cuts = FitCuts(connection, label, fitRows - horizons.GetValueOrDefault(label.Of!));
            cutPoints[label.Name] = cuts;
            select.Add($"{LabelSql.Regime(label, cuts)} AS {SqlText.Identifier(label.Name)}");
            regimes.Add(Describe(label, cuts));
            context.Log.Information("Regime {Regime}, fitted on rows 1..{Rows}", regimes[^1], fitRows);
        }
        var complete = inputs.DropIncomplete
            ? " WHERE " + string.Join(" AND ", inputs.Labels.Select(l => $"{SqlText.Identifier(l.Name)} IS NOT NULL"))
            : "";
        var labelled = $"(SELECT {string.Join(", ", select)}, {FeatureSql.RowColumn} FROM {ValuesTable})";
        var sql = $"SELECT * EXCLUDE ({FeatureSql.RowColumn}) FROM {labelled}{complete} ORDER BY {FeatureSql.RowColumn}";
        var outputs = ParquetTableWriter.Write(connection, sql, context, "labels", cancellationToken);
        var names = inputs.Labels.Select(l => l.Name).ToArray();
        context.Log.Information("Labelled {Rows} rows with {Labels}", outputs.Rows, names);
        return Task.FromResult(new LabelOutputs { Table = outputs.Table, Rows = outputs.Rows, Labels = names, CutPoints = cutPoints, Regimes = regimes, FitRows = fitRows });
    }

    private static void CheckFitWindow(LabelInputs inputs, bool hasRegime)
    {
        if (inputs.FitUntil is not null && inputs.FitFraction is not null)
            throw new StepInputException("fit_fraction", "give fit_until or fit_fraction, not both");
        if (inputs.FitFraction is { } fraction && !(fraction > 0 && fraction <= 1))
            throw new StepInputException("fit_fraction", $"must be in (0, 1], got {fraction}");
        if (hasRegime && inputs.FitUntil is null && inputs.FitFraction is null)
            throw new StepInputException("fit_until",
                "regime labels need fit_until or fit_fraction: cut points fitted on every row would let the holdout shape its own classes");
    }

    /// <summary>Validates every label against the table and the labels before it; returns the horizon of each forward label by name.</summary>
    private static Dictionary<string, int> Check(IReadOnlyList<LabelSpec> labels, IReadOnlyList<string> columns)
    {
        var horizons = new Dictionary<string, int>(StringComparer.Ordinal);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var label in labels)
        {
            void Fail(string problem) => throw new StepInputException("labels", $"label '{label.Name}' ({Key(label.Kind)}): {problem}");
            void NeedColumn(string column, string role)
            {
                if (!columns.Contains(column, StringComparer.Ordinal))
                    Fail($"{role} column '{column}' is not in the table (columns: {string.Join(", ", columns)})");
            }

            if (!Identifier().IsMatch(label.Name) || label.Name.StartsWith("__", StringComparison.Ordinal))
                Fail("the name must be letters, digits and _, not starting with a digit or __");
            if (columns.Contains(label.Name, StringComparer.Ordinal)) Fail("the table already has a column of this name");
            if (!names.Add(label.Name)) Fail("the name is used twice");
            if (label.Kind == LabelKind.Regime)
            {
                if (label.Of is null) Fail("name the label or column to bucket with of:");
                if (label.Horizon != 0) Fail("a regime takes no horizon; it buckets the label or column named by of:");
                if (label.Of == label.Name) Fail("a regime cannot bucket itself");
                var earlier = labels.TakeWhile(l => !ReferenceEquals(l, label)).FirstOrDefault(l => l.Name == label.Of);
                if (earlier?.Kind == LabelKind.Regime) Fail($"'{label.Of}' is a regime (text); bucket a numeric label or column");
                if (earlier is null) NeedColumn(label.Of!, "of");
                if (label.Classes.Count < 2) Fail("needs at least two classes");
                if (label.Classes.Distinct(StringComparer.Ordinal).Count() != label.Classes.Count) Fail("class names repeat");
                if (label.Classes.Any(string.IsNullOrEmpty)) Fail("a class name is empty");
                continue;
            }
            if (label.Of is not null) Fail("of: belongs to regime labels only");
            var minimum = label.Kind == LabelKind.ForwardVolatility ? 2 : 1;
            if (label.Horizon < minimum)
                Fail($"horizon must be at least {minimum} row(s), got {label.Horizon}" + (minimum == 2 ? " (a standard deviation of one return is undefined)" : ""));
            NeedColumn(label.Column, "price");
            if (label.DeadBandBps < 0) Fail($"dead_band_bps must not be negative, got {label.DeadBandBps}");
            if (label.DistanceBps < 0) Fail($"distance_bps must not be negative, got {label.DistanceBps}");
            if (label.PeriodsPerYear < 0) Fail($"periods_per_year must not be negative, got {label.PeriodsPerYear}");
            if (label.Kind == LabelKind.Fill) NeedColumn(label.Side == OrderSide.Buy ? label.Low : label.High, label.Side == OrderSide.Buy ? "low" : "high");
            horizons[label.Name] = label.Horizon;
        }
        return horizons;
    }

    /// <summary>The rows before fit_until, or the leading fit_fraction of all rows.</summary>
    private static long FitRows(DuckDBConnection connection, LabelInputs inputs)
    {
        var rows = connection.Scalar<long>($"SELECT count(*) FROM {InputTable}");
        if (inputs.FitFraction is { } fraction) return (long)Math.Floor(fraction * rows);
        var time = SqlText.Identifier(inputs.TimeColumn);
        var type = connection.Scalar<string>($"SELECT typeof({time}) FROM {InputTable} LIMIT 1");
        try
        {
            return connection.Scalar<long>($"SELECT count(*) FROM {InputTable} WHERE {time} < CAST({SqlText.Literal(inputs.FitUntil!)} AS {type})");
        }
        catch (DuckDBException e)
        {
            throw new StepInputException("fit_until", $"'{inputs.FitUntil}' is not a value of the time column's type {type}: {e.Message}");
        }
    }

    /// <summary>Quantile cut points of the regime's source over rows 1..<paramref name="lastRow"/>, whose labels end inside the fit rows.</summary>
    private static double[] FitCuts(DuckDBConnection connection, LabelSpec label, long lastRow)
    {
        var value = $"CAST({SqlText.Identifier(label.Of!)} AS DOUBLE)";
        var where = $"{FeatureSql.RowColumn} <= {lastRow} AND {value} IS NOT NULL AND isfinite({value})";
        var count = connection.Scalar<long>($"SELECT count(*) FROM {ValuesTable} WHERE {where}");
        if (count < label.Classes.Count)
            throw new StepInputException("labels",
                $"label '{label.Name}' (regime): only {count} value(s) of '{label.Of}' are complete inside the fit rows; {label.Classes.Count} classes need at least {label.Classes.Count} (move fit_until later or raise fit_fraction)");
        return connection.Rows($"SELECT unnest(quantile_cont({value}, {LabelSql.QuantileList(label.Classes.Count)})) FROM {ValuesTable} WHERE {where}")
            .Select(r => (double)r[0]!).ToArray();
    }

    private static string Describe(LabelSpec label, IReadOnlyList<double> cuts)
    {
        var text = new System.Text.StringBuilder($"{label.Name} of {label.Of}: {label.Classes[0]}");
        for (var c = 0; c < cuts.Count; c++)
            text.Append(CultureInfo.InvariantCulture, $" < {cuts[c]:G6} <= {label.Classes[c + 1]}");
        return text.ToString();
    }

    private static void Run(DuckDBConnection connection, string sql)
    {
        try
        {
            connection.Execute(sql);
        }
        catch (DuckDBException e)
        {
            throw new StepInputException("labels", e.Message);
        }
    }

    private static string Key(LabelKind kind) => kind switch
    {
        LabelKind.ForwardReturn => "forward_return",
        LabelKind.ForwardVolatility => "forward_volatility",
        _ => kind.ToString().ToLowerInvariant(),
    };
}
