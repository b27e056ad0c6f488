using System.Globalization;
using Pipelines.Abstractions;
using DuckDB.NET.Data;
using Pipelines.Learning.Data;
using Pipelines.Steps.Augment;
using Pipelines.Steps.Tables;

namespace Pipelines.Steps.Train;

/// <summary>
/// A table turned into features and labels for training: unlabelled rows dropped (labels that look ahead are
/// empty at the end), class labels mapped to 0..k-1 in a recorded order, row order kept (it is time order).
/// </summary>
internal sealed class TrainingTable
{
    public required IReadOnlyList<string> Features { get; init; }
    public required IReadOnlyList<string> Classes { get; init; }
    public required double[] Values { get; init; }
    public required double[] Labels { get; init; }
    public required int Rows { get; init; }
    public required int DroppedRows { get; init; }

    /// <summary>Each kept row's index in the source table, so results can be joined back to it.</summary>
    public required int[] SourceRows { get; init; }

    /// <summary>Per kept row, whether an augmentation step made it (the table's synthetic column); null when the table has none.</summary>
    public bool[]? Synthetic { get; init; }

    public DenseDataset Slice(int start, int count) =>
        new(Values.AsSpan(start * Features.Count, count * Features.Count).ToArray(), count, Features, Labels.AsSpan(start, count).ToArray());

    /// <summary>Refuses a target with one value on every row: there is nothing to learn, and a model of it would be a constant.</summary>
    public void RequireVaryingLabels(string target)
    {
        if (Rows > 0 && Labels.All(l => l == Labels[0]))
            throw new StepInputException("target", $"column '{target}' is {Labels[0].ToString(CultureInfo.InvariantCulture)} on every one of its {Rows} labelled rows; there is nothing to learn");
    }

    /// <summary>The rows whose features are all finite, for learners that cannot take missing values.</summary>
    public TrainingTable WithoutMissingFeatures()
    {
        var width = Features.Count;
        var keep = new List<int>(Rows);
        for (var r = 0; r < Rows; r++)
        {
            var complete = true;
            for (var j = 0; j < width && complete; j++) complete = double.IsFinite(Values[r * width + j]);
            if (complete) keep.Add(r);
        }
        if (keep.Count == Rows) return this;
        var values = new double[keep.Count * width];
        var labels = new double[keep.Count];
        var sourceRows = new int[keep.Count];
        for (var i = 0; i < keep.Count; i++)
        {
            Array.Copy(Values, (long)keep[i] * width, values, (long)i * width, width);
            labels[i] = Labels[keep[i]];
            sourceRows[i] = SourceRows[keep[i]];
        }
        return new TrainingTable
        {
            Features = Features, Classes = Classes, Values = values, Labels = labels, Rows = keep.Count,
            DroppedRows = DroppedRows + Rows - keep.Count, SourceRows = sourceRows, Synthetic = Synthetic is null ? null : keep.Select(r => Synthetic[r]).ToArray(),
        };
    }

    public static TrainingTable Load(DuckDBConnection connection, string path, string target, IReadOnlyList<string>? chosenFeatures, IReadOnlyList<string> exclude, ModelTask task)
    {
        var schema = TableReader.Describe(connection, path);
        var names = schema.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        if (!names.Contains(target))
            throw new StepInputException("target", $"column '{target}' is not in the table; columns: {string.Join(", ", names)}");
        foreach (var excluded in exclude.Where(e => !names.Contains(e)))
            throw new StepInputException("exclude", $"column '{excluded}' is not in the table");
        // An augmented table's marker columns say where rows came from; learning from them would learn the augmentation.
        var augmented = names.Contains(AugmentedColumns.Synthetic);
        var markers = augmented ? AugmentedColumns.All : [];

        IReadOnlyList<string> features;
        if (chosenFeatures is { Count: > 0 } chosen)
        {
            var missing = chosen.FirstOrDefault(f => !names.Contains(f));
            if (missing is not null) throw new StepInputException("features", $"column '{missing}' is not in the table");
            var textual = chosen.FirstOrDefault(f => !TableReader.IsNumeric(schema.First(c => c.Name == f).Type));
            if (textual is not null) throw new StepInputException("features", $"column '{textual}' is not numeric");
            if (chosen.Contains(target)) throw new StepInputException("features", "the target cannot also be a feature");
            if (chosen.FirstOrDefault(markers.Contains) is { } marker)
                throw new StepInputException("features", $"column '{marker}' marks the rows an augmentation step made and cannot be a feature");
            features = chosen;
        }
        else
        {
            features = schema.Where(c => c.Name != target && !exclude.Contains(c.Name) && !markers.Contains(c.Name) && TableReader.IsNumeric(c.Type)).Select(c => c.Name).ToList();
            if (features.Count == 0) throw new StepInputException("features", "the table has no numeric feature columns");
        }

        var rawLabels = TableReader.ReadText(connection, path, target);
        var (labels, classes) = MapLabels(rawLabels, target, task);
        var values = TableReader.ReadNumeric(connection, path, features, out var rows);
        var synthetic = augmented ? TableReader.ReadNumeric(connection, path, [AugmentedColumns.Synthetic], out _) : null;

        var keep = Enumerable.Range(0, rows).Where(r => !double.IsNaN(labels[r])).ToArray();
        if (keep.Length == 0) throw new StepInputException("target", $"column '{target}' has no values");
        var width = features.Count;
        var keptValues = new double[keep.Length * width];
        var keptLabels = new double[keep.Length];
        for (var i = 0; i < keep.Length; i++)
        {
            Array.Copy(values, (long)keep[i] * width, keptValues, (long)i * width, width);
            keptLabels[i] = labels[keep[i]];
        }
        return new TrainingTable
        {
            Features = features, Classes = classes, Values = keptValues, Labels = keptLabels, Rows = keep.Length, DroppedRows = rows - keep.Length,
            SourceRows = keep, Synthetic = synthetic is null ? null : keep.Select(r => synthetic[r] == 1).ToArray(),
        };
    }

    /// <summary>
    /// Regression labels are numbers; class labels are numbers or names, ordered numerically or by name. An empty
    /// label marks a row to leave out; a label that is NaN or infinite is an error, since it is data gone wrong.
    /// </summary>
    private static (double[] Labels, IReadOnlyList<string> Classes) MapLabels(string?[] raw, string target, ModelTask task)
    {
        for (var row = 0; row < raw.Length; row++)
        {
            if (raw[row] is { } text && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && !double.IsFinite(number))
                throw new StepInputException("target", $"column '{target}' holds {text} in row {row}; labels must be finite numbers (leave a label empty to skip its row)");
        }
        if (task == ModelTask.Regression)
        {
            var numbers = raw.Select(v => v is null ? double.NaN
                : double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d
                : throw new StepInputException("target", $"regression needs numeric labels, found '{v}'")).ToArray();
            return (numbers, []);
        }
        var distinct = raw.Where(v => v is not null).Distinct(StringComparer.Ordinal).Cast<string>().ToList();
        var numeric = distinct.All(v => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out _));
        var classes = numeric
            ? distinct.OrderBy(v => double.Parse(v, CultureInfo.InvariantCulture)).ToList()
            : distinct.Order(StringComparer.Ordinal).ToList();
        if (task == ModelTask.Binary && classes.Count != 2)
            throw new StepInputException("target", $"binary needs exactly two label values in column '{target}', found {classes.Count}: {string.Join(", ", classes.Take(5))}");
        if (task == ModelTask.Multiclass && classes.Count < 2)
            throw new StepInputException("target", $"multiclass needs at least two classes in column '{target}', found {classes.Count}: {string.Join(", ", classes.Take(5))}");
        var index = classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => (double)p.i, StringComparer.Ordinal);
        return (raw.Select(v => v is null ? double.NaN : index[v]).ToArray(), classes);
    }
}
