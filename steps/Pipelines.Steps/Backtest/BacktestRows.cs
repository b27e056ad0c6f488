using DuckDB.NET.Data;
using Pipelines.Abstractions;
using Pipelines.Steps.Tables;

namespace Pipelines.Steps.Backtest;

/// <summary>
/// Reads what a backtest trades: the rows of data (or, with predictions, the rows of data that predictions name by
/// source_row, the row's position in the data file), split into folds and put in time order within each.
/// </summary>
internal static class BacktestRows
{
    private const string DefaultFoldColumn = "fold";

    public static IReadOnlyList<BacktestFold> Read(IStepContext context, BacktestInputs inputs)
    {
        var data = Table(context, inputs.Data, "data");
        var predictions = inputs.Predictions is { } p ? Table(context, p, "predictions") : null;
        using var connection = ParquetTableWriter.OpenScratch();
        var dataColumns = TableReader.Describe(connection, data);
        var predictionColumns = predictions is null ? dataColumns : TableReader.Describe(connection, predictions);
        var predictionSource = predictions is null ? "data" : "predictions";
        if (predictions is not null && !predictionColumns.Any(c => c.Name == "source_row" && TableReader.IsNumeric(c.Type)))
            throw new StepInputException("predictions", "has no numeric source_row column naming the row of data each prediction belongs to (a train step's out_of_sample or holdout has one)");

        string TypeIn(IReadOnlyList<(string Name, string Type)> columns, string source, string field, string column) =>
            columns.FirstOrDefault(c => c.Name == column).Type
            ?? throw new StepInputException(field, $"column '{column}' is not in the {source} (columns: {string.Join(", ", columns.Select(c => c.Name))})");
        void Numeric(IReadOnlyList<(string Name, string Type)> columns, string source, string field, string column)
        {
            var type = TypeIn(columns, source, field, column);
            if (!TableReader.IsNumeric(type)) throw new StepInputException(field, $"column '{column}' is {type}, not a number");
        }

        var timeType = TypeIn(dataColumns, "data", "time_column", inputs.TimeColumn);
        Numeric(dataColumns, "data", "price_column", inputs.PriceColumn);
        Numeric(predictionColumns, predictionSource, "prediction_column", inputs.PredictionColumn);
        if (inputs.SpreadColumn is { } spread) Numeric(dataColumns, "data", "spread_column", spread);
        var foldColumn = inputs.FoldColumn ?? (predictionColumns.Any(c => c.Name == DefaultFoldColumn) ? DefaultFoldColumn : null);
        if (foldColumn is not null) Numeric(predictionColumns, predictionSource, "fold_column", foldColumn);

        string D(string column) => "d." + SqlText.Identifier(column);
        string P(string column) => (predictions is null ? "d." : "p.") + SqlText.Identifier(column);
        var time = D(inputs.TimeColumn);
        // epoch_us keeps a tick's microseconds; a TIMESTAMPTZ gives its UTC instant; a DATE is midnight.
        var timeSql = timeType.StartsWith("TIMESTAMP", StringComparison.Ordinal) ? $"CAST(epoch_us({time}) AS DOUBLE) / 1000"
            : timeType == "DATE" ? $"CAST(epoch_ms(CAST({time} AS TIMESTAMP)) AS DOUBLE)"
            : TableReader.IsNumeric(timeType) ? $"CAST({time} AS DOUBLE)"
            : throw new StepInputException("time_column", $"column '{inputs.TimeColumn}' is {timeType}; a timestamp or epoch milliseconds is needed");
        var foldSql = foldColumn is null ? "CAST(1 AS BIGINT)" : $"CAST({P(foldColumn)} AS BIGINT)";
        var spreadSql = inputs.SpreadColumn is null ? "CAST(0 AS DOUBLE)" : $"CAST({D(inputs.SpreadColumn)} AS DOUBLE)";
        var from = $"read_parquet({SqlText.Literal(data)}, file_row_number = true) AS d" +
                   (predictions is null ? "" : $" JOIN read_parquet({SqlText.Literal(predictions)}) AS p ON CAST(p.source_row AS BIGINT) = d.file_row_number");
        var sql = $"SELECT {foldSql}, {timeSql}, CAST({D(inputs.PriceColumn)} AS DOUBLE), CAST({P(inputs.PredictionColumn)} AS DOUBLE), {spreadSql} " +
                  $"FROM {from} ORDER BY 1, {time}, d.file_row_number";

        var rows = new List<(long? Fold, double? Time, double? Price, double Prediction, double? Spread)>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = sql;
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                rows.Add((reader.IsDBNull(0) ? null : reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetDouble(1), reader.IsDBNull(2) ? null : reader.GetDouble(2),
                    reader.IsDBNull(3) ? double.NaN : reader.GetDouble(3), reader.IsDBNull(4) ? null : reader.GetDouble(4)));
            }
        }
        if (predictions is not null && rows.Count == 0)
            throw new StepInputException("predictions", "no source_row matches a row of data: are they from a model trained on this table?");

        var folds = new List<BacktestFold>();
        var start = 0;
        while (start < rows.Count)
        {
            var fold = rows[start].Fold ?? throw new StepInputException("fold_column", $"row {start + 1} has no fold in '{foldColumn}'");
            var end = start;
            while (end < rows.Count && rows[end].Fold == fold) end++;
            folds.Add(Fold(fold, rows, start, end, inputs, foldColumn is not null));
            start = end;
        }
        if (folds.Count == 0) throw new StepInputException("data", "has no rows; a backtest needs at least 3 (a signal, its fill on the next bar, a bar held)");
        return folds;
    }

    private static BacktestFold Fold(long fold, List<(long? Fold, double? Time, double? Price, double Prediction, double? Spread)> rows, int start, int end,
        BacktestInputs inputs, bool named)
    {
        var count = end - start;
        var where = named ? $"fold {fold}: " : "";
        if (count < 3) throw new StepInputException(named ? "fold_column" : "data", $"{where}{count} row(s); a backtest needs at least 3 per fold (a signal, its fill on the next bar, a bar held)");
        var times = new double[count];
        var prices = new double[count];
        var predictions = new double[count];
        var spreads = inputs.SpreadColumn is null ? [] : new double[count];
        for (var i = 0; i < count; i++)
        {
            var row = rows[start + i];
            times[i] = row.Time ?? throw new StepInputException("time_column", $"{where}row {i + 1} (in time order) has no time");
            if (row.Price is not { } price || !(price > 0) || !double.IsFinite(price))
                throw new StepInputException("price_column", $"{where}row {i + 1} (in time order) has no positive price in '{inputs.PriceColumn}'");
            prices[i] = price;
            predictions[i] = row.Prediction;
            if (spreads.Length > 0)
            {
                if (row.Spread is not { } spread || !(spread >= 0) || !double.IsFinite(spread))
                    throw new StepInputException("spread_column", $"{where}row {i + 1} (in time order) has no spread (zero or more) in '{inputs.SpreadColumn}'");
                spreads[i] = spread;
            }
        }
        return new BacktestFold(fold, times, prices, predictions, spreads);
    }

    private static string Table(IStepContext context, Artifact artifact, string field)
    {
        if (artifact.Kind != "table" || artifact.Format != "parquet")
            throw new StepInputException(field, $"expects a table artifact, got a {artifact.Kind} ({artifact.Format})");
        return context.OpenArtifact(artifact);
    }
}
