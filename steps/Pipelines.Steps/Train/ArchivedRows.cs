using DuckDB.NET.Data;
using Pipelines.Abstractions;
using Pipelines.Steps.Tables;

namespace Pipelines.Steps.Train;

/// <summary>Offers archived events' rows (archive/capture's archive_rows) to the training rows with the archive's weight.</summary>
internal static class ArchivedRows
{
    private const string EventColumn = "archive_event";

    public static ArchiveSummary Mix(DuckDBConnection connection, WeightedTrainingRows training, ArchiveMixing archive, IStepContext context)
    {
        if (!double.IsFinite(archive.Weight) || archive.Weight <= 0) throw new StepInputException("archive.weight", "must be a positive number");
        var events = new SortedSet<string>(StringComparer.Ordinal);
        int appended = 0, reweighted = 0, leftOut = 0;
        foreach (var rows in archive.Rows)
        {
            var path = context.OpenArtifact(rows);
            var (a, r, l) = training.OfferTable(connection, path, rows, "archive.rows", archive.Weight);
            (appended, reweighted, leftOut) = (appended + a, reweighted + r, leftOut + l);
            if (TableReader.Describe(connection, path).Any(c => c.Name == EventColumn))
                events.UnionWith(TableReader.ReadText(connection, path, EventColumn).OfType<string>());
        }
        return new ArchiveSummary
        {
            Events = events.ToList(), RowsSha256 = archive.Rows.Select(a => a.Sha256).ToList(), Weight = archive.Weight,
            Appended = appended, Reweighted = reweighted, LeftOut = leftOut,
        };
    }
}
