using System.Globalization;
using System.Text;
using Pipelines.Abstractions;
using Pipelines.Steps.Tables;

namespace Pipelines.Steps.Tests.Support;

/// <summary>Builds Parquet table artifacts from rows, the way an ingest or transform step would hand them on.</summary>
public static class TableFiles
{
    /// <summary>Writes the rows as a Parquet table artifact; a null or NaN cell becomes SQL NULL.</summary>
    public static Artifact Parquet(IStepContext context, IReadOnlyList<string> columns, IEnumerable<double?[]> rows)
    {
        var csv = new StringBuilder(string.Join(",", columns)).Append('\n');
        foreach (var row in rows)
            csv.Append(string.Join(",", row.Select(v => v is { } d && !double.IsNaN(d) ? d.ToString("R", CultureInfo.InvariantCulture) : ""))).Append('\n');
        var source = Path.Combine(context.WorkspaceRoot, $"rows-{Guid.NewGuid():N}.csv");
        File.WriteAllText(source, csv.ToString());
        var staged = context.StageArtifact("table", "parquet");
        using (var connection = ParquetTableWriter.OpenScratch())
        {
            var types = string.Join(", ", columns.Select(c => $"'{c}': 'DOUBLE'"));
            connection.Execute($"COPY (SELECT * FROM read_csv('{source}', header = true, columns = {{{types}}})) TO '{staged.Path}' (FORMAT parquet)");
        }
        File.Delete(source);
        return context.CommitArtifact(staged);
    }
}
