using DuckDB.NET.Data;
using Pipelines.Abstractions;

namespace Pipelines.Steps.Train;

/// <summary>The archive: and replay: inputs every train step shares: their rows mixed into the split's training rows with their weights.</summary>
internal static class ExtraTrainingRows
{
    public static (ArchiveSummary? Archive, ReplaySummary? Replay) Mix(DuckDBConnection connection, string path, ref TrainingSplit split, string target,
        ModelTask task, ArchiveMixing? archive, ErrorReplay? replay, IStepContext context, bool requireFiniteFeatures = false)
    {
        if (archive is null && replay is null) return (null, null);
        if (archive is not null && replay is not null && archive.TimeColumn != replay.TimeColumn)
            throw new StepInputException("replay.time_column", $"'{replay.TimeColumn}' differs from archive.time_column '{archive.TimeColumn}'; both place rows on the training table's one time column");
        var timeColumn = archive?.TimeColumn ?? replay!.TimeColumn;
        var training = new WeightedTrainingRows(connection, path, split, task, timeColumn, archive is null ? "replay.time_column" : "archive.time_column")
        {
            Target = target, RequireFiniteFeatures = requireFiniteFeatures,
        };
        ArchiveSummary? archived = null;
        ReplaySummary? replayed = null;
        if (archive is not null)
        {
            archived = ArchivedRows.Mix(connection, training, archive, context);
            context.Log.Information("Archive: {Appended} archived rows added and {Reweighted} training rows weighted {Weight} from {Events}; {LeftOut} left out",
                archived.Appended, archived.Reweighted, archived.Weight, archived.Events, archived.LeftOut);
        }
        if (replay is not null)
        {
            replayed = ReplayedErrors.Mix(connection, training, replay, task, context);
            context.Log.Information("Replay: {Selected} of {Errors} errors of {Model} v{Version} replayed with weight {Weight} ({Appended} added, {Reweighted} training rows weighted, {LeftOut} left out)",
                replayed.Selected, replayed.Errors, replayed.Model, replayed.Version, replayed.Weight, replayed.Appended, replayed.Reweighted, replayed.LeftOut);
        }
        split = split.WithTrain(training.Build());
        return (archived, replayed);
    }
}
