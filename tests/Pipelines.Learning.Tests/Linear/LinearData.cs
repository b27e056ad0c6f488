using Pipelines.Learning.Data;

namespace Pipelines.Learning.Tests.Linear;

/// <summary>Small seeded datasets with known generating weights.</summary>
internal static class LinearData
{
    public static readonly string[] Names = ["a", "b", "c"];

    /// <summary>y = 1.5 + 2a − b + 0.5c + noise, features on different scales and offsets.</summary>
    public static DenseDataset Regression(int rows, int seed)
    {
        var random = new Random(seed);
        var values = new double[rows * 3];
        var labels = new double[rows];
        for (var r = 0; r < rows; r++)
        {
            var a = random.NextDouble() * 4 - 2;
            var b = 10 + random.NextDouble() * 5;
            var c = (random.NextDouble() - 0.5) * 0.1 + a * 0.3;
            values[r * 3] = a;
            values[r * 3 + 1] = b;
            values[r * 3 + 2] = c;
            labels[r] = 1.5 + 2 * a - b + 0.5 * c + (random.NextDouble() - 0.5);
        }
        return new DenseDataset(values, rows, Names, labels);
    }

    /// <summary>P(y = 1) = σ(−0.5 + 1.2a − 0.8b + 0.3c), features of unit-ish scale.</summary>
    public static DenseDataset Classification(int rows, int seed)
    {
        var random = new Random(seed);
        var values = new double[rows * 3];
        var labels = new double[rows];
        for (var r = 0; r < rows; r++)
        {
            var a = random.NextDouble() * 2 - 1;
            var b = random.NextDouble() * 3;
            var c = random.NextDouble() - 0.5;
            values[r * 3] = a;
            values[r * 3 + 1] = b;
            values[r * 3 + 2] = c;
            var p = 1 / (1 + Math.Exp(-(-0.5 + 1.2 * a - 0.8 * b + 0.3 * c)));
            labels[r] = random.NextDouble() < p ? 1 : 0;
        }
        return new DenseDataset(values, rows, Names, labels);
    }

    public static DenseDataset Slice(DenseDataset data, int start, int count) =>
        new(data.Values.Slice(start * data.FeatureCount, count * data.FeatureCount).ToArray(), count, data.FeatureNames,
            data.RequireLabels().AsSpan(start, count).ToArray());

    /// <summary>Solves A x = b by Gaussian elimination with partial pivoting — independent of the Cholesky solver under test.</summary>
    public static double[] GaussianElimination(double[,] a, double[] b)
    {
        var n = b.Length;
        var m = (double[,])a.Clone();
        var x = (double[])b.Clone();
        for (var col = 0; col < n; col++)
        {
            var pivot = col;
            for (var r = col + 1; r < n; r++) if (Math.Abs(m[r, col]) > Math.Abs(m[pivot, col])) pivot = r;
            for (var c = 0; c < n; c++) (m[col, c], m[pivot, c]) = (m[pivot, c], m[col, c]);
            (x[col], x[pivot]) = (x[pivot], x[col]);
            for (var r = col + 1; r < n; r++)
            {
                var factor = m[r, col] / m[col, col];
                for (var c = col; c < n; c++) m[r, c] -= factor * m[col, c];
                x[r] -= factor * x[col];
            }
        }
        for (var r = n - 1; r >= 0; r--)
        {
            for (var c = r + 1; c < n; c++) x[r] -= m[r, c] * x[c];
            x[r] /= m[r, r];
        }
        return x;
    }
}
