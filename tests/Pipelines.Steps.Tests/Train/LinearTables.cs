using Pipelines.Abstractions;
using Pipelines.Steps.Tests.Support;

namespace Pipelines.Steps.Tests.Train;

/// <summary>Seeded tables with a known linear truth: y = 1 + 3a − 2b (+ noise), and a binary label drawn from σ(2a − b).</summary>
internal static class LinearTables
{
    public static readonly string[] Columns = ["t", "a", "b", "noise", "y", "up"];

    public static double?[][] Rows(int count, int seed, int missingAtStart = 0)
    {
        var random = new Random(seed);
        var rows = new double?[count][];
        for (var r = 0; r < count; r++)
        {
            var a = random.NextDouble() * 2 - 1;
            var b = random.NextDouble() * 4;
            var noise = random.NextDouble();
            var y = 1 + 3 * a - 2 * b + (random.NextDouble() - 0.5) * 0.5;
            var up = random.NextDouble() < 1 / (1 + Math.Exp(-(2 * a - (b - 2)))) ? 1 : 0;
            rows[r] = [r, r < missingAtStart ? null : a, b, noise, y, up];
        }
        return rows;
    }

    public static Artifact Table(TestStepContext context, double?[][] rows) => TableFiles.Parquet(context, Columns, rows);

    /// <summary>[b, w] solving (AᵀA + λD) θ = Aᵀy over the given rows with raw features — by Gaussian elimination.</summary>
    public static double[] RidgeByNormalEquations(IEnumerable<double?[]> rows, int[] featureColumns, int labelColumn, double lambda)
    {
        var n = featureColumns.Length + 1;
        var ata = new double[n, n];
        var aty = new double[n];
        foreach (var row in rows)
        {
            var a = new double[n];
            a[0] = 1;
            for (var j = 0; j < featureColumns.Length; j++) a[j + 1] = row[featureColumns[j]]!.Value;
            for (var i = 0; i < n; i++)
            {
                aty[i] += a[i] * row[labelColumn]!.Value;
                for (var k = 0; k < n; k++) ata[i, k] += a[i] * a[k];
            }
        }
        for (var j = 1; j < n; j++) ata[j, j] += lambda;
        for (var col = 0; col < n; col++)
        {
            var pivot = col;
            for (var r = col + 1; r < n; r++) if (Math.Abs(ata[r, col]) > Math.Abs(ata[pivot, col])) pivot = r;
            for (var c = 0; c < n; c++) (ata[col, c], ata[pivot, c]) = (ata[pivot, c], ata[col, c]);
            (aty[col], aty[pivot]) = (aty[pivot], aty[col]);
            for (var r = col + 1; r < n; r++)
            {
                var factor = ata[r, col] / ata[col, col];
                for (var c = col; c < n; c++) ata[r, c] -= factor * ata[col, c];
                aty[r] -= factor * aty[col];
            }
        }
        for (var r = n - 1; r >= 0; r--)
        {
            for (var c = r + 1; c < n; c++) aty[r] -= ata[r, c] * aty[c];
            aty[r] /= ata[r, r];
        }
        return aty;
    }
}
