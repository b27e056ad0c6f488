using System.Text.RegularExpressions;
using Pipelines.Abstractions;
using Pipelines.Steps.Tables;

namespace Pipelines.Steps.Ingest;

/// <summary>Reads a CSV file with DuckDB's CSV reader (type detection, quoting, dialects) into a Parquet table.</summary>
[Step("ingest/csv", "Ingest", "Ingest CSV",
    Description = "Read a CSV file from the workspace into a table artifact (Parquet), detecting column types with DuckDB's CSV reader.")]
public sealed partial class CsvIngestStep : Step<CsvIngestInputs, TableOutputs>
{
    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_ ]*(\\([0-9, ]+\\))?$")]
    private static partial Regex TypeName();

    public override Task<TableOutputs> ExecuteAsync(CsvIngestInputs inputs, IStepContext context, CancellationToken cancellationToken)
    {
        var path = context.OpenArtifact(inputs.Path.Source);
        var options = new List<string> { $"header = {(inputs.Header ? "true" : "false")}" };
        if (inputs.Delimiter.Length > 0) options.Add($"delim = {SqlText.Literal(inputs.Delimiter)}");
        if (inputs.Types is { Count: > 0 } types)
        {
            foreach (var (column, type) in types)
                if (!TypeName().IsMatch(type))
                    throw new StepInputException("types", $"'{type}' (for column '{column}') is not a DuckDB type name");
            options.Add("types = {" + string.Join(", ", types.Select(t => $"{SqlText.Literal(t.Key)}: {SqlText.Literal(t.Value)}")) + "}");
        }
        var projection = inputs.Columns is { Count: > 0 } columns ? string.Join(", ", columns.Select(SqlText.Identifier)) : "*";
        var select = $"SELECT {projection} FROM read_csv({SqlText.Literal(path)}, {string.Join(", ", options)})";

        using var connection = ParquetTableWriter.OpenScratch();
        var outputs = ParquetTableWriter.Write(connection, select, context, "path", cancellationToken);
        context.Log.Information("Read {Rows} rows with columns {Columns} from {Path}", outputs.Rows, outputs.Columns, inputs.Path.Relative);
        return Task.FromResult(outputs);
    }
}
