namespace Pipelines.Learning.Metrics;

/// <summary>Errors of real-valued predictions against real-valued targets.</summary>
public static class RegressionMetrics
{
    public static double MeanSquaredError(ReadOnlySpan<double> actual, ReadOnlySpan<double> predicted)
    {
        Check(actual, predicted);
        double sum = 0.0;
        for (int i = 0; i < actual.Length; i++)
        {
            double d = actual[i] - predicted[i];
            sum += d * d;
        }
        return sum / actual.Length;
    }

    public static double RootMeanSquaredError(ReadOnlySpan<double> actual, ReadOnlySpan<double> predicted) =>
        Math.Sqrt(MeanSquaredError(actual, predicted));

    public static double MeanAbsoluteError(ReadOnlySpan<double> actual, ReadOnlySpan<double> predicted)
    {
        Check(actual, predicted);
        double sum = 0.0;
        for (int i = 0; i < actual.Length; i++)
            sum += Math.Abs(actual[i] - predicted[i]);
        return sum / actual.Length;
    }

    /// <summary>
    /// Coefficient of determination 1 - SS_res / SS_tot. A constant target makes SS_tot zero and R² undefined,
    /// which throws rather than returning a convention value.
    /// </summary>
    public static double RSquared(ReadOnlySpan<double> actual, ReadOnlySpan<double> predicted)
    {
        Check(actual, predicted);
        double mean = 0.0;
        foreach (double y in actual)
            mean += y;
        mean /= actual.Length;
        double residual = 0.0;
        double total = 0.0;
        for (int i = 0; i < actual.Length; i++)
        {
            double r = actual[i] - predicted[i];
            double t = actual[i] - mean;
            residual += r * r;
            total += t * t;
        }
        if (total == 0.0)
            throw new ArgumentException("R² is undefined for a constant target", nameof(actual));
        return 1.0 - residual / total;
    }

    /// <summary>
    /// Mean absolute percentage error as a fraction (0.1 = 10 %). A zero target has no defined percentage
    /// error, so any zero in <paramref name="actual"/> throws; dropping such rows would silently score a
    /// different sample than the one supplied.
    /// </summary>
    public static double MeanAbsolutePercentageError(ReadOnlySpan<double> actual, ReadOnlySpan<double> predicted)
    {
        Check(actual, predicted);
        double sum = 0.0;
        for (int i = 0; i < actual.Length; i++)
        {
            if (actual[i] == 0.0)
                throw new ArgumentException($"element {i} is 0; percentage error is undefined for a zero target",
                    nameof(actual));
            sum += Math.Abs((actual[i] - predicted[i]) / actual[i]);
        }
        return sum / actual.Length;
    }

    private static void Check(ReadOnlySpan<double> actual, ReadOnlySpan<double> predicted)
    {
        InputGuard.NotEmpty(actual, nameof(actual));
        InputGuard.SameLength(actual, nameof(actual), predicted, nameof(predicted));
        InputGuard.Finite(actual, nameof(actual));
        InputGuard.Finite(predicted, nameof(predicted));
    }
}
