namespace Pipelines.Learning.Data;

/// <summary>A dense, row-major table of double features with optional labels.</summary>
public sealed class DenseDataset
{
    private readonly double[] _values;

    public DenseDataset(double[] values, int rowCount, IReadOnlyList<string> featureNames, double[]? labels, double[]? weights = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(featureNames);
        if (rowCount < 0) throw new ArgumentOutOfRangeException(nameof(rowCount), rowCount, "Row count cannot be negative.");
        if ((long)rowCount * featureNames.Count != values.Length)
            throw new ArgumentException(
                $"values has {values.Length} cells but {rowCount} rows x {featureNames.Count} features need {(long)rowCount * featureNames.Count}.",
                nameof(values));
        if (labels is not null && labels.Length != rowCount)
            throw new ArgumentException($"labels has {labels.Length} entries but the dataset has {rowCount} rows.", nameof(labels));
        if (weights is not null)
        {
            if (weights.Length != rowCount)
                throw new ArgumentException($"weights has {weights.Length} entries but the dataset has {rowCount} rows.", nameof(weights));
            for (var row = 0; row < weights.Length; row++)
            {
                if (!double.IsFinite(weights[row]) || weights[row] < 0)
                    throw new ArgumentException($"The weight of row {row} is {weights[row]}; weights must be finite and not negative.", nameof(weights));
            }
        }
        _values = values;
        Weights = weights;
        RowCount = rowCount;
        FeatureNames = featureNames;
        Labels = labels;
    }

    public int RowCount { get; }

    public int FeatureCount => FeatureNames.Count;

    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>One label per row, or null when the data carries none (prediction input).</summary>
    public double[]? Labels { get; }

    /// <summary>
    /// How much each row counts in training (a row of weight 2 counts as that row twice), or null when every row counts once.
    /// </summary>
    public double[]? Weights { get; }

    /// <summary>All cells, row after row.</summary>
    public ReadOnlySpan<double> Values => _values;

    /// <summary>The backing array itself, for readers in this library that must not copy large data.</summary>
    internal double[] RawValues => _values;

    public ReadOnlySpan<double> Row(int row)
    {
        if ((uint)row >= (uint)RowCount) throw new ArgumentOutOfRangeException(nameof(row), row, $"Row must be in 0..{RowCount - 1}.");
        return new ReadOnlySpan<double>(_values, row * FeatureCount, FeatureCount);
    }

    public double this[int row, int feature] => _values[row * FeatureCount + feature];

    /// <summary>Labels, or an exception saying the dataset has none.</summary>
    public double[] RequireLabels() =>
        Labels ?? throw new InvalidOperationException("The dataset has no label column.");
}
