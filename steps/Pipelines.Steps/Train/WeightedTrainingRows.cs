using System.Globalization;
using DuckDB.NET.Data;
using Pipelines.Abstractions;
using Pipelines.Learning.Data;
using Pipelines.Steps.Tables;

namespace Pipelines.Steps.Train;

/// <summary>
/// A split's training rows with rows from elsewhere (archived events, replayed errors) mixed in with a weight. A row
/// offered at the time of a training row gives that row the weight rather than a second copy (an event is often still
/// inside the training window); one at or after the first row past the training rows (the gap and holdout) is left
/// out, since learning it would leak into the evaluation; the rest join the training rows in time order, so
/// walk-forward folds and early stopping still see time run forward. A row offered twice keeps the larger weight.
/// A training row dropped from the table (no label, or a missing feature for a linear model) is no training row, so
/// an offered row at its time is added if it is usable.
/// </summary>
internal sealed class WeightedTrainingRows
{
    private readonly TrainingSplit _split;
    private readonly ModelTask _task;
    private readonly Dictionary<string, double> _classIndex;
    private readonly double[] _rowTime;
    private readonly double _cutoff;
    private readonly Dictionary<double, int> _trainingRowAt = [];
    private readonly double[] _weights;
    private readonly List<(double Time, double[] Values, double Label, double Weight)> _appended = [];
    private readonly Dictionary<double, int> _appendedAt = [];

    public WeightedTrainingRows(DuckDBConnection connection, string tablePath, TrainingSplit split, ModelTask task, string timeColumn, string field)
    {
        _split = split;
        _task = task;
        TimeColumn = timeColumn;
        var table = split.Table;
        _classIndex = table.Classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => (double)p.i, StringComparer.Ordinal);
        var tableTimes = EpochMilliseconds.Read(connection, tablePath, field, timeColumn);
        _rowTime = new double[table.Rows];
        for (var r = 0; r < table.Rows; r++) _rowTime[r] = tableTimes[table.SourceRows[r]];
        _cutoff = split.TrainRows < table.Rows ? _rowTime[split.TrainRows] : double.PositiveInfinity;
        for (var r = 0; r < split.TrainRows; r++)
        {
            if (!double.IsNaN(_rowTime[r])) _trainingRowAt.TryAdd(_rowTime[r], r);
        }
        _weights = Enumerable.Repeat(1.0, split.TrainRows).ToArray();
    }

    public string TimeColumn { get; }

    public enum Placement { Appended, Reweighted, LeftOut }

    /// <summary>
    /// Offers rows <paramref name="rows"/> (all when null) of a table artifact that has the training features, target and
    /// time column; refuses one without them, naming <paramref name="field"/>. Returns how many went where.
    /// </summary>
    public (int Appended, int Reweighted, int LeftOut) OfferTable(DuckDBConnection connection, string path, Artifact artifact, string field, double weight,
        IReadOnlyCollection<long>? rows = null)
    {
        var features = _split.Table.Features;
        var width = features.Count;
        var columns = TableReader.Describe(connection, path).Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var target = Target;
        var missing = features.Append(target).Append(TimeColumn).FirstOrDefault(c => !columns.Contains(c));
        if (missing is not null)
            throw new StepInputException(field, $"table {artifact.ShortId} lacks column '{missing}' that training needs; its rows must have the same features and label");
        var values = TableReader.ReadNumeric(connection, path, features, out var count);
        var labels = TableReader.ReadText(connection, path, target);
        var times = EpochMilliseconds.Read(connection, path, field, TimeColumn);
        int appended = 0, reweighted = 0, leftOut = 0;
        foreach (var r in rows ?? Enumerable.Range(0, count).Select(i => (long)i).ToArray())
        {
            if (r < 0 || r >= count)
            {
                leftOut++;
                continue;
            }
            var row = (int)r;
            switch (Offer(times[row], values.AsSpan(row * width, width), LabelOf(labels[row]), weight))
            {
                case Placement.Appended: appended++; break;
                case Placement.Reweighted: reweighted++; break;
                default: leftOut++; break;
            }
        }
        return (appended, reweighted, leftOut);
    }

    /// <summary>The name of the training target, which offered tables must carry.</summary>
    public required string Target { get; init; }

    /// <summary>Leave out offered rows with a missing feature, for learners that cannot take one (linear models).</summary>
    public bool RequireFiniteFeatures { get; init; }

    public Placement Offer(double time, ReadOnlySpan<double> values, double label, double weight)
    {
        if (double.IsNaN(label) || double.IsNaN(time) || time >= _cutoff) return Placement.LeftOut;
        if (RequireFiniteFeatures)
        {
            foreach (var value in values)
                if (!double.IsFinite(value)) return Placement.LeftOut;
        }
        if (_trainingRowAt.TryGetValue(time, out var existing))
        {
            _weights[existing] = Math.Max(_weights[existing], weight);
            return Placement.Reweighted;
        }
        if (_appendedAt.TryGetValue(time, out var earlier))
        {
            _appended[earlier] = _appended[earlier] with { Weight = Math.Max(_appended[earlier].Weight, weight) };
            return Placement.Reweighted;
        }
        _appendedAt[time] = _appended.Count;
        _appended.Add((time, values.ToArray(), label, weight));
        return Placement.Appended;
    }

    /// <summary>The training rows and the appended rows merged by time (a training row before an appended row of equal time), with their weights.</summary>
    public DenseDataset Build()
    {
        var width = _split.Table.Features.Count;
        var order = Enumerable.Range(0, _split.TrainRows).Select(r => (Time: _rowTime[r], Source: r))
            .Concat(_appended.Select((a, i) => (a.Time, Source: -1 - i)))
            .OrderBy(p => p.Time).ThenBy(p => p.Source >= 0 ? 0 : 1).ToList();
        var train = _split.Train;
        var trainLabels = train.RequireLabels();
        var values = new double[order.Count * width];
        var labels = new double[order.Count];
        var weights = new double[order.Count];
        for (var i = 0; i < order.Count; i++)
        {
            var source = order[i].Source;
            if (source >= 0)
            {
                train.Row(source).CopyTo(values.AsSpan(i * width, width));
                labels[i] = trainLabels[source];
                weights[i] = _weights[source];
            }
            else
            {
                var row = _appended[-1 - source];
                row.Values.CopyTo(values.AsSpan(i * width, width));
                labels[i] = row.Label;
                weights[i] = row.Weight;
            }
        }
        return new DenseDataset(values, order.Count, _split.Table.Features, labels, weights);
    }

    /// <summary>A label in the training table's coding; NaN when there is none or it names a class the table does not have.</summary>
    private double LabelOf(string? text)
    {
        if (text is null) return double.NaN;
        if (_task == ModelTask.Regression)
            return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) ? value : double.NaN;
        return _classIndex.TryGetValue(text, out var index) ? index : double.NaN;
    }
}
