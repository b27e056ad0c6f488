namespace Pipelines.Learning.Metrics;

/// <summary>
/// Scores of class predictions and predicted probabilities. Labels are 0..k-1 integers (binary: 0 or 1,
/// 1 being the positive class); probabilities are those of the positive class unless stated otherwise.
/// </summary>
public static class ClassificationMetrics
{
    /// <summary>Default probability clip for log loss: keeps log(0) out of the sum without visibly moving it.</summary>
    public const double DefaultLogLossEpsilon = 1e-15;

    /// <summary>Default number of equal-width bins over [0, 1] for the expected calibration error.</summary>
    public const int DefaultCalibrationBins = 10;

    public static double Accuracy(ReadOnlySpan<int> actual, ReadOnlySpan<int> predicted)
    {
        InputGuard.NotEmpty(actual, nameof(actual));
        InputGuard.SameLength(actual, nameof(actual), predicted, nameof(predicted));
        int correct = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            if (actual[i] == predicted[i])
                correct++;
        }
        return (double)correct / actual.Length;
    }

    public static double Precision(ReadOnlySpan<int> actual, ReadOnlySpan<int> predicted) =>
        BinaryMatrix(actual, predicted).Precision(1);

    public static double Recall(ReadOnlySpan<int> actual, ReadOnlySpan<int> predicted) =>
        BinaryMatrix(actual, predicted).Recall(1);

    public static double F1(ReadOnlySpan<int> actual, ReadOnlySpan<int> predicted) =>
        BinaryMatrix(actual, predicted).F1(1);

    public static double MacroPrecision(ReadOnlySpan<int> actual, ReadOnlySpan<int> predicted, int classCount) =>
        ConfusionMatrix.Compute(actual, predicted, classCount).MacroPrecision();

    public static double MacroRecall(ReadOnlySpan<int> actual, ReadOnlySpan<int> predicted, int classCount) =>
        ConfusionMatrix.Compute(actual, predicted, classCount).MacroRecall();

    public static double MacroF1(ReadOnlySpan<int> actual, ReadOnlySpan<int> predicted, int classCount) =>
        ConfusionMatrix.Compute(actual, predicted, classCount).MacroF1();

    /// <summary>
    /// Area under the ROC curve, computed as the Mann–Whitney U of the positive scores divided by
    /// n_positive * n_negative; tied scores share their mid-rank, so a tie between a positive and a negative
    /// counts one half. Both classes must be present.
    /// </summary>
    public static double RocAuc(ReadOnlySpan<int> actual, ReadOnlySpan<double> scores)
    {
        var (sortedScores, sortedLabels, positives) = SortedByScore(actual, scores);
        long negatives = sortedScores.Length - positives;
        if (positives == 0 || negatives == 0)
            throw new ArgumentException("ROC AUC needs both classes present", nameof(actual));

        double positiveRankSum = 0.0;
        int start = 0;
        while (start < sortedScores.Length)
        {
            int end = start + 1;
            while (end < sortedScores.Length && sortedScores[end] == sortedScores[start])
                end++;
            // Ranks are 1-based; the tie group [start, end) shares the mean of ranks start+1..end.
            double midRank = (start + 1 + end) / 2.0;
            for (int i = start; i < end; i++)
            {
                if (sortedLabels[i] == 1)
                    positiveRankSum += midRank;
            }
            start = end;
        }
        double u = positiveRankSum - positives * (positives + 1) / 2.0;
        return u / ((double)positives * negatives);
    }

    /// <summary>
    /// Average precision as scikit-learn defines it: the sum over distinct score thresholds (descending) of
    /// (R_n - R_{n-1}) * P_n, a step-wise area under the precision–recall curve without interpolation.
    /// At least one positive is required.
    /// </summary>
    public static double AveragePrecision(ReadOnlySpan<int> actual, ReadOnlySpan<double> scores)
    {
        var (sortedScores, sortedLabels, positives) = SortedByScore(actual, scores);
        if (positives == 0)
            throw new ArgumentException("average precision needs at least one positive", nameof(actual));

        double area = 0.0;
        double previousRecall = 0.0;
        long truePositives = 0;
        long seen = 0;
        int end = sortedScores.Length;
        // Sorted ascending, so walk from the top score down, one threshold per tie group.
        while (end > 0)
        {
            int start = end - 1;
            while (start > 0 && sortedScores[start - 1] == sortedScores[end - 1])
                start--;
            for (int i = start; i < end; i++)
                truePositives += sortedLabels[i];
            seen += end - start;
            double recall = (double)truePositives / positives;
            double precision = (double)truePositives / seen;
            area += (recall - previousRecall) * precision;
            previousRecall = recall;
            end = start;
        }
        return area;
    }

    /// <summary>
    /// Mean binary cross-entropy. Probabilities are clipped to [epsilon, 1 - epsilon] so a confident miss
    /// costs -ln(epsilon) instead of infinity.
    /// </summary>
    public static double LogLoss(ReadOnlySpan<int> actual, ReadOnlySpan<double> probabilities,
        double epsilon = DefaultLogLossEpsilon)
    {
        CheckBinaryProbabilities(actual, probabilities);
        CheckEpsilon(epsilon);
        double sum = 0.0;
        for (int i = 0; i < actual.Length; i++)
        {
            double p = Math.Clamp(probabilities[i], epsilon, 1.0 - epsilon);
            sum -= actual[i] == 1 ? Math.Log(p) : Math.Log(1.0 - p);
        }
        return sum / actual.Length;
    }

    /// <summary>
    /// Mean multiclass cross-entropy. <paramref name="probabilities"/> is row-major, one row of
    /// <paramref name="classCount"/> class probabilities per sample; each row must sum to 1 (within 1e-6).
    /// The probability of the true class is clipped to [epsilon, 1 - epsilon]; rows are not renormalised.
    /// </summary>
    public static double LogLoss(ReadOnlySpan<int> actual, ReadOnlySpan<double> probabilities, int classCount,
        double epsilon = DefaultLogLossEpsilon)
    {
        if (classCount < 2)
            throw new ArgumentOutOfRangeException(nameof(classCount), classCount, "at least two classes are needed");
        InputGuard.NotEmpty(actual, nameof(actual));
        if (probabilities.Length != (long)actual.Length * classCount)
            throw new ArgumentException(
                $"length {probabilities.Length} is not {nameof(actual)} length {actual.Length} x {classCount} classes",
                nameof(probabilities));
        InputGuard.ClassLabels(actual, classCount, nameof(actual));
        InputGuard.Probabilities(probabilities, nameof(probabilities));
        CheckEpsilon(epsilon);

        double sum = 0.0;
        for (int i = 0; i < actual.Length; i++)
        {
            ReadOnlySpan<double> row = probabilities.Slice(i * classCount, classCount);
            double rowSum = 0.0;
            foreach (double p in row)
                rowSum += p;
            if (Math.Abs(rowSum - 1.0) > 1e-6)
                throw new ArgumentException($"row {i} sums to {rowSum}, not 1", nameof(probabilities));
            sum -= Math.Log(Math.Clamp(row[actual[i]], epsilon, 1.0 - epsilon));
        }
        return sum / actual.Length;
    }

    /// <summary>Mean squared difference between the positive-class probability and the 0/1 outcome.</summary>
    public static double BrierScore(ReadOnlySpan<int> actual, ReadOnlySpan<double> probabilities)
    {
        CheckBinaryProbabilities(actual, probabilities);
        double sum = 0.0;
        for (int i = 0; i < actual.Length; i++)
        {
            double d = probabilities[i] - actual[i];
            sum += d * d;
        }
        return sum / actual.Length;
    }

    /// <summary>
    /// Expected calibration error: probabilities fall into <paramref name="binCount"/> equal-width bins over
    /// [0, 1] (bin b holds [b/B, (b+1)/B), the last bin also holds 1); the result is the count-weighted mean
    /// over non-empty bins of |observed positive rate - mean predicted probability|.
    /// </summary>
    public static double ExpectedCalibrationError(ReadOnlySpan<int> actual, ReadOnlySpan<double> probabilities,
        int binCount = DefaultCalibrationBins)
    {
        CheckBinaryProbabilities(actual, probabilities);
        InputGuard.Positive(binCount, nameof(binCount));

        Span<double> scratch = binCount <= 128 ? stackalloc double[binCount * 3] : new double[binCount * 3];
        scratch.Clear();
        Span<double> counts = scratch[..binCount];
        Span<double> positives = scratch.Slice(binCount, binCount);
        Span<double> confidence = scratch.Slice(2 * binCount, binCount);
        for (int i = 0; i < actual.Length; i++)
        {
            double p = probabilities[i];
            int bin = Math.Min((int)(p * binCount), binCount - 1);
            counts[bin]++;
            positives[bin] += actual[i];
            confidence[bin] += p;
        }
        double error = 0.0;
        for (int b = 0; b < binCount; b++)
        {
            if (counts[b] > 0)
                error += Math.Abs(positives[b] - confidence[b]);
        }
        // sum_b (n_b / N) * |pos_b/n_b - conf_b/n_b| = sum_b |pos_b - conf_b| / N
        return error / actual.Length;
    }

    private static ConfusionMatrix BinaryMatrix(ReadOnlySpan<int> actual, ReadOnlySpan<int> predicted)
    {
        InputGuard.NotEmpty(actual, nameof(actual));
        InputGuard.SameLength(actual, nameof(actual), predicted, nameof(predicted));
        InputGuard.BinaryLabels(actual, nameof(actual));
        InputGuard.BinaryLabels(predicted, nameof(predicted));
        return ConfusionMatrix.Compute(actual, predicted, 2);
    }

    private static void CheckBinaryProbabilities(ReadOnlySpan<int> actual, ReadOnlySpan<double> probabilities)
    {
        InputGuard.NotEmpty(actual, nameof(actual));
        InputGuard.SameLength(actual, nameof(actual), probabilities, nameof(probabilities));
        InputGuard.BinaryLabels(actual, nameof(actual));
        InputGuard.Probabilities(probabilities, nameof(probabilities));
    }

    private static void CheckEpsilon(double epsilon)
    {
        if (!(epsilon > 0.0 && epsilon < 0.5))
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "must lie in (0, 0.5)");
    }

    private static (double[] Scores, int[] Labels, long Positives) SortedByScore(
        ReadOnlySpan<int> actual, ReadOnlySpan<double> scores)
    {
        InputGuard.NotEmpty(actual, nameof(actual));
        InputGuard.SameLength(actual, nameof(actual), scores, nameof(scores));
        InputGuard.BinaryLabels(actual, nameof(actual));
        InputGuard.Finite(scores, nameof(scores));
        double[] sortedScores = scores.ToArray();
        int[] sortedLabels = actual.ToArray();
        Array.Sort(sortedScores, sortedLabels);
        long positives = 0;
        foreach (int label in sortedLabels)
            positives += label;
        return (sortedScores, sortedLabels, positives);
    }
}
