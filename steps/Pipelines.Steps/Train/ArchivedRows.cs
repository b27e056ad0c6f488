using System.Globalization;
using DuckDB.NET.Data;
using Pipelines.Abstractions;
using Pipelines.Learning.Data;
using Pipelines.Steps.Tables;

namespace Pipelines.Steps.Train;

/// <summary>
/// Mixes archived events' rows into a split's training rows with a weight. An archived row at the time of a training
/// row gives that row the weight rather than a second copy (the event is often still inside the training window); one
/// at or after the first row past the training rows (the gap and holdout) is left out, since learning it would leak
/// into the evaluation; the rest join the training rows in time order, so walk-forward folds and early stopping still
/// see time run forward.
/// </summary>
internal static class ArchivedRows
{
    private const string EventColumn = "archive_event";

    public static (DenseDataset Train, ArchiveSummary Summary) Mix(DuckDBConnection connection, string tablePath, TrainingSplit split, string target,
        ModelTask task, ArchiveMixing archive, IStepContext context)
    {
        if (!double.IsFinite(archive.Weight) || archive.Weight <= 0) throw new StepInputException("archive.weight", "must be a positive number");
        var table = split.Table;
        var features = table.Features;
        var width = features.Count;
        var tableTimes = EpochMilliseconds.Read(connection, tablePath, "archive.time_column", archive.TimeColumn);
        var rowTime = new double[table.Rows];
        for (var r = 0; r < table.Rows; r++) rowTime[r] = tableTimes[table.SourceRows[r]];
        var cutoff = split.TrainRows < table.Rows ? rowTime[split.TrainRows] : double.PositiveInfinity;
        var trainingRowAt = new Dictionary<double, int>();
        for (var r = 0; r < split.TrainRows; r++)
        {
            if (!double.IsNaN(rowTime[r])) trainingRowAt.TryAdd(rowTime[r], r);
        }

        var weights = Enumerable.Repeat(1.0, split.TrainRows).ToArray();
        var classIndex = table.Classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => (double)p.i, StringComparer.Ordinal);
        var appended = new List<(double Time, double[] Values, double Label)>();
        var events = new SortedSet<string>(StringComparer.Ordinal);
        int reweighted = 0, leftOut = 0;
        foreach (var rows in archive.Rows)
        {
            var path = context.OpenArtifact(rows);
            var columns = TableReader.Describe(connection, path).Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
            var missing = features.Append(target).Append(archive.TimeColumn).FirstOrDefault(c => !columns.Contains(c));
            if (missing is not null)
                throw new StepInputException("archive.rows", $"archived rows {rows.ShortId} lack column '{missing}' that training needs; archive rows of the same features and label");
            var values = TableReader.ReadNumeric(connection, path, features, out var count);
            var labels = TableReader.ReadText(connection, path, target);
            var times = EpochMilliseconds.Read(connection, path, "archive.time_column", archive.TimeColumn);
            if (columns.Contains(EventColumn)) events.UnionWith(TableReader.ReadText(connection, path, EventColumn).OfType<string>());
            for (var r = 0; r < count; r++)
            {
                var label = Label(labels[r], task, classIndex);
                if (double.IsNaN(label) || double.IsNaN(times[r]) || times[r] >= cutoff)
                {
                    leftOut++;
                    continue;
                }
                if (trainingRowAt.TryGetValue(times[r], out var existing))
                {
                    weights[existing] = archive.Weight;
                    reweighted++;
                    continue;
                }
                appended.Add((times[r], values.AsSpan(r * width, width).ToArray(), label));
            }
        }

        // Training rows and appended archived rows, merged by time; a training row keeps its place before an archived row of equal time.
        var order = Enumerable.Range(0, split.TrainRows).Select(r => (Time: rowTime[r], Source: r))
            .Concat(appended.Select((a, i) => (a.Time, Source: -1 - i)))
            .OrderBy(p => p.Time).ThenBy(p => p.Source >= 0 ? 0 : 1).ToList();
        var train = split.Train;
        var trainLabels = train.RequireLabels();
        var mergedValues = new double[order.Count * width];
        var mergedLabels = new double[order.Count];
        var mergedWeights = new double[order.Count];
        for (var i = 0; i < order.Count; i++)
        {
            var source = order[i].Source;
            if (source >= 0)
            {
                train.Row(source).CopyTo(mergedValues.AsSpan(i * width, width));
                mergedLabels[i] = trainLabels[source];
                mergedWeights[i] = weights[source];
            }
            else
            {
                var row = appended[-1 - source];
                row.Values.CopyTo(mergedValues.AsSpan(i * width, width));
                mergedLabels[i] = row.Label;
                mergedWeights[i] = archive.Weight;
            }
        }
        var summary = new ArchiveSummary
        {
            Events = events.ToList(), RowsSha256 = archive.Rows.Select(a => a.Sha256).ToList(), Weight = archive.Weight,
            Appended = appended.Count, Reweighted = reweighted, LeftOut = leftOut,
        };
        return (new DenseDataset(mergedValues, order.Count, features, mergedLabels, mergedWeights), summary);
    }

    /// <summary>An archived row's label in the training table's coding; NaN when it has none or names a class the table does not have.</summary>
    private static double Label(string? text, ModelTask task, Dictionary<string, double> classIndex)
    {
        if (text is null) return double.NaN;
        if (task == ModelTask.Regression)
            return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) ? value : double.NaN;
        return classIndex.TryGetValue(text, out var index) ? index : double.NaN;
    }
}
