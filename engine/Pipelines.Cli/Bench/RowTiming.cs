using System.Diagnostics;
using Pipelines.Learning.Data;

namespace Pipelines.Cli.Bench;

/// <summary>Single-row scoring time, the way every benchmark of this CLI measures it.</summary>
internal static class RowTiming
{
    /// <summary>Scores one row of features into <paramref name="output"/>.</summary>
    public delegate void RowScorer(ReadOnlySpan<double> features, Span<double> output);

    /// <summary>
    /// Nanoseconds per row: the best of <paramref name="passes"/> passes over the first <paramref name="rows"/> rows.
    /// The scorer first runs for half a second, so the passes time optimised code rather than the first calls' JIT
    /// tiers; short passes let some of them run without another process taking the core on a shared machine.
    /// </summary>
    public static double BestNsPerRow(RowScorer score, DenseDataset data, int rows, int passes)
    {
        Span<double> output = stackalloc double[1];
        var warmUp = Stopwatch.StartNew();
        while (warmUp.ElapsedMilliseconds < 500)
            for (var i = 0; i < rows; i++)
                score(data.Row(i), output);
        double best = double.MaxValue, sink = 0;
        for (var pass = 0; pass < passes; pass++)
        {
            var start = Stopwatch.GetTimestamp();
            for (var i = 0; i < rows; i++)
            {
                score(data.Row(i), output);
                sink += output[0];
            }
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalNanoseconds / rows);
        }
        return double.IsNaN(sink) ? double.NaN : best;
    }
}
