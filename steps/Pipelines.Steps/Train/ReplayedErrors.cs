using DuckDB.NET.Data;
using Pipelines.Abstractions;

namespace Pipelines.Steps.Train;

/// <summary>Offers the champion's replayed errors (see <see cref="ErrorSelection"/>) to the training rows with the replay's weight.</summary>
internal static class ReplayedErrors
{
    public static ReplaySummary Mix(DuckDBConnection connection, WeightedTrainingRows training, ErrorReplay replay, ModelTask task, IStepContext context)
    {
        if (!double.IsFinite(replay.Weight) || replay.Weight <= 0) throw new StepInputException("replay.weight", "must be a positive number");
        if (replay.MaxRows < 1) throw new StepInputException("replay.max_rows", "must be at least 1");
        if (replay.Since is { } since && since <= TimeSpan.Zero) throw new StepInputException("replay.since", "must be a positive duration");
        var version = context.Registry.Find(replay.Model, replay.Alias);
        if (version is null)
        {
            context.Log.Information("Replay: '{Model}' has no '{Alias}' yet; no errors to replay", replay.Model, replay.Alias);
            return Summary(replay, null, 0, 0, (0, 0, 0), []);
        }
        var (selected, errors) = ErrorSelection.Select(context.ShadowHistory.Outcomes(replay.Model, version.Version), task, replay.Since, replay.MaxRows);
        int appended = 0, reweighted = 0, leftOut = 0;
        var tables = new List<string>();
        foreach (var group in selected.GroupBy(o => o.DataSha256))
        {
            if (context.FindArtifact(group.Key) is not { } table)
            {
                leftOut += group.Count();
                context.Log.Warning("Replay: table {Table} of {Rows} recorded errors is no longer stored", group.Key[..12], group.Count());
                continue;
            }
            var (a, r, l) = training.OfferTable(connection, context.OpenArtifact(table), table, "replay", replay.Weight, group.Select(o => o.Row).ToList());
            (appended, reweighted, leftOut) = (appended + a, reweighted + r, leftOut + l);
            context.RecordRead(table);
            tables.Add(table.Sha256);
        }
        return Summary(replay, version.Version, errors, selected.Count, (appended, reweighted, leftOut), tables);
    }

    private static ReplaySummary Summary(ErrorReplay replay, int? version, int errors, int selected, (int Appended, int Reweighted, int LeftOut) placed,
        IReadOnlyList<string> tables) => new()
    {
        Model = replay.Model, Version = version, Weight = replay.Weight, MaxRows = replay.MaxRows, Errors = errors, Selected = selected,
        Appended = placed.Appended, Reweighted = placed.Reweighted, LeftOut = placed.LeftOut, DataSha256 = tables,
    };
}
