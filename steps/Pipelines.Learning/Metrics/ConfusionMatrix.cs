namespace Pipelines.Learning.Metrics;

/// <summary>
/// Counts of (actual class, predicted class) pairs for classes 0..ClassCount-1, with the per-class and
/// macro-averaged scores derived from them. A ratio whose denominator is zero (a class never predicted, or
/// never present) scores 0, as scikit-learn does with <c>zero_division=0</c>.
/// </summary>
public sealed class ConfusionMatrix
{
    private readonly long[] _counts;

    private ConfusionMatrix(int classCount)
    {
        ClassCount = classCount;
        _counts = new long[classCount * classCount];
    }

    public int ClassCount { get; }

    public long Total { get; private set; }

    /// <summary>Number of rows whose actual class is <paramref name="actual"/> and prediction <paramref name="predicted"/>.</summary>
    public long this[int actual, int predicted]
    {
        get
        {
            if ((uint)actual >= (uint)ClassCount)
                throw new ArgumentOutOfRangeException(nameof(actual), actual, $"must lie in [0, {ClassCount - 1}]");
            if ((uint)predicted >= (uint)ClassCount)
                throw new ArgumentOutOfRangeException(nameof(predicted), predicted, $"must lie in [0, {ClassCount - 1}]");
            return _counts[actual * ClassCount + predicted];
        }
    }

    public static ConfusionMatrix Compute(ReadOnlySpan<int> actual, ReadOnlySpan<int> predicted, int classCount)
    {
        if (classCount < 2)
            throw new ArgumentOutOfRangeException(nameof(classCount), classCount, "at least two classes are needed");
        InputGuard.NotEmpty(actual, nameof(actual));
        InputGuard.SameLength(actual, nameof(actual), predicted, nameof(predicted));
        InputGuard.ClassLabels(actual, classCount, nameof(actual));
        InputGuard.ClassLabels(predicted, classCount, nameof(predicted));

        var matrix = new ConfusionMatrix(classCount);
        for (int i = 0; i < actual.Length; i++)
            matrix._counts[actual[i] * classCount + predicted[i]]++;
        matrix.Total = actual.Length;
        return matrix;
    }

    public double Accuracy()
    {
        long correct = 0;
        for (int c = 0; c < ClassCount; c++)
            correct += _counts[c * ClassCount + c];
        return (double)correct / Total;
    }

    /// <summary>Of the rows predicted as <paramref name="positiveClass"/>, the fraction that truly are.</summary>
    public double Precision(int positiveClass)
    {
        long truePositive = this[positiveClass, positiveClass];
        long predictedPositive = 0;
        for (int a = 0; a < ClassCount; a++)
            predictedPositive += _counts[a * ClassCount + positiveClass];
        return predictedPositive == 0 ? 0.0 : (double)truePositive / predictedPositive;
    }

    /// <summary>Of the rows truly <paramref name="positiveClass"/>, the fraction predicted as such.</summary>
    public double Recall(int positiveClass)
    {
        long truePositive = this[positiveClass, positiveClass];
        long actualPositive = 0;
        for (int p = 0; p < ClassCount; p++)
            actualPositive += _counts[positiveClass * ClassCount + p];
        return actualPositive == 0 ? 0.0 : (double)truePositive / actualPositive;
    }

    public double F1(int positiveClass)
    {
        double precision = Precision(positiveClass);
        double recall = Recall(positiveClass);
        return precision + recall == 0.0 ? 0.0 : 2.0 * precision * recall / (precision + recall);
    }

    public double MacroPrecision() => MacroAverage(static (m, c) => m.Precision(c));

    public double MacroRecall() => MacroAverage(static (m, c) => m.Recall(c));

    /// <summary>Unweighted mean of the per-class F1 scores (not the F1 of macro precision and recall).</summary>
    public double MacroF1() => MacroAverage(static (m, c) => m.F1(c));

    private double MacroAverage(Func<ConfusionMatrix, int, double> perClass)
    {
        double sum = 0.0;
        for (int c = 0; c < ClassCount; c++)
            sum += perClass(this, c);
        return sum / ClassCount;
    }
}
