using Pipelines.Learning.Metrics;

namespace Pipelines.Learning.Tests.Metrics;

public class ClassificationMetricsTests
{
    // actual    1 0 1 1 0 0 1 0
    // predicted 1 0 0 1 1 1 1 0
    // TP = rows 0,3,6 = 3; FN = row 2 = 1; FP = rows 4,5 = 2; TN = rows 1,7 = 2
    private static readonly int[] BinaryActual = [1, 0, 1, 1, 0, 0, 1, 0];
    private static readonly int[] BinaryPredicted = [1, 0, 0, 1, 1, 1, 1, 0];

    [Fact]
    public void Binary_scores_match_hand_counts()
    {
        Assert.Equal(5.0 / 8.0, ClassificationMetrics.Accuracy(BinaryActual, BinaryPredicted), 12);
        Assert.Equal(3.0 / 5.0, ClassificationMetrics.Precision(BinaryActual, BinaryPredicted), 12); // TP/(TP+FP)
        Assert.Equal(3.0 / 4.0, ClassificationMetrics.Recall(BinaryActual, BinaryPredicted), 12);    // TP/(TP+FN)
        // F1 = 2 * 0.6 * 0.75 / (0.6 + 0.75) = 0.9 / 1.35 = 2/3
        Assert.Equal(2.0 / 3.0, ClassificationMetrics.F1(BinaryActual, BinaryPredicted), 12);
    }

    [Fact]
    public void Confusion_matrix_counts_each_pair()
    {
        var matrix = ConfusionMatrix.Compute(BinaryActual, BinaryPredicted, 2);
        Assert.Equal(2, matrix[0, 0]);
        Assert.Equal(2, matrix[0, 1]);
        Assert.Equal(1, matrix[1, 0]);
        Assert.Equal(3, matrix[1, 1]);
        Assert.Equal(8, matrix.Total);
    }

    [Fact]
    public void Macro_scores_match_scikit_learn_documentation_example()
    {
        // sklearn.metrics.f1_score docs: y_true=[0,1,2,0,1,2], y_pred=[0,2,1,0,0,1], average='macro' -> 0.2666...
        // Per class: class 0 P=2/3 R=1 F1=0.8; classes 1 and 2 have no true positive -> 0.
        // Macro P = (2/3)/3 = 0.2222, macro R = 1/3, macro F1 = 0.8/3 = 0.2667.
        int[] actual = [0, 1, 2, 0, 1, 2];
        int[] predicted = [0, 2, 1, 0, 0, 1];
        Assert.Equal(0.8 / 3.0, ClassificationMetrics.MacroF1(actual, predicted, 3), 12);
        Assert.Equal(2.0 / 9.0, ClassificationMetrics.MacroPrecision(actual, predicted, 3), 12);
        Assert.Equal(1.0 / 3.0, ClassificationMetrics.MacroRecall(actual, predicted, 3), 12);
    }

    [Fact]
    public void Roc_auc_matches_scikit_learn_documentation_example()
    {
        // sklearn roc_auc_score docs: y=[0,0,1,1], scores=[0.1,0.4,0.35,0.8] -> 0.75
        // (pairs pos>neg: 0.35>0.1, 0.8>0.1, 0.8>0.4; 0.35<0.4 -> 3 of 4)
        Assert.Equal(0.75, ClassificationMetrics.RocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]), 12);
    }

    [Fact]
    public void Roc_auc_counts_a_tie_as_one_half()
    {
        // positives 0.5, 0.9; negatives 0.5, 0.2. Pairs: (0.5,0.5)=1/2, (0.5,0.2)=1, (0.9,0.5)=1, (0.9,0.2)=1 -> 3.5/4
        Assert.Equal(0.875, ClassificationMetrics.RocAuc([0, 1, 0, 1], [0.5, 0.5, 0.2, 0.9]), 12);
    }

    [Fact]
    public void Roc_auc_equals_pairwise_mann_whitney_count_on_random_tied_scores()
    {
        var random = new Random(11);
        for (int round = 0; round < 20; round++)
        {
            int n = random.Next(5, 60);
            var labels = new int[n];
            var scores = new double[n];
            for (int i = 0; i < n; i++)
            {
                labels[i] = random.Next(2);
                scores[i] = random.Next(6) / 5.0; // few distinct values, many ties
            }
            labels[0] = 0;
            labels[1] = 1;
            double wins = 0;
            int pairs = 0;
            for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                if (labels[i] != 1 || labels[j] != 0)
                    continue;
                pairs++;
                wins += scores[i] > scores[j] ? 1.0 : scores[i] == scores[j] ? 0.5 : 0.0;
            }
            Assert.Equal(wins / pairs, ClassificationMetrics.RocAuc(labels, scores), 12);
        }
    }

    [Fact]
    public void Roc_auc_rejects_a_single_class()
    {
        var error = Assert.Throws<ArgumentException>(() => ClassificationMetrics.RocAuc([1, 1], [0.2, 0.3]));
        Assert.Equal("actual", error.ParamName);
    }

    [Fact]
    public void Average_precision_matches_scikit_learn_documentation_example()
    {
        // sklearn average_precision_score docs: y=[0,0,1,1], scores=[0.1,0.4,0.35,0.8] -> 0.8333
        // thresholds 0.8: P=1 R=0.5; 0.4: P=1/2 R=0.5; 0.35: P=2/3 R=1; 0.1: P=1/2 R=1
        // AP = 0.5*1 + 0*0.5 + 0.5*(2/3) + 0 = 0.8333
        Assert.Equal(0.5 + 1.0 / 3.0,
            ClassificationMetrics.AveragePrecision([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]), 12);
    }

    [Fact]
    public void Average_precision_treats_tied_scores_as_one_threshold()
    {
        // scores 0.9(1), 0.5(1), 0.5(0), 0.1(0); P = 2 positives
        // threshold 0.9: TP=1 seen=1 P=1 R=0.5; threshold 0.5: TP=2 seen=3 P=2/3 R=1; 0.1: R unchanged
        // AP = 0.5*1 + 0.5*(2/3) = 0.8333
        Assert.Equal(0.5 + 1.0 / 3.0,
            ClassificationMetrics.AveragePrecision([1, 1, 0, 0], [0.9, 0.5, 0.5, 0.1]), 12);
    }

    [Fact]
    public void Average_precision_equals_a_threshold_by_threshold_oracle()
    {
        // Oracle: for each distinct score t (descending), classify score >= t as positive, read precision and
        // recall off the counts, and add (recall step) * precision.
        var random = new Random(17);
        for (int round = 0; round < 30; round++)
        {
            int n = random.Next(2, 50);
            int[] labels = Enumerable.Range(0, n).Select(_ => random.Next(2)).ToArray();
            labels[0] = 1;
            double[] scores = Enumerable.Range(0, n).Select(_ => random.Next(8) / 7.0).ToArray();
            int positives = labels.Sum();
            double expected = 0.0;
            double previousRecall = 0.0;
            foreach (double t in scores.Distinct().OrderDescending())
            {
                int selected = scores.Count(s => s >= t);
                int hits = Enumerable.Range(0, n).Count(i => scores[i] >= t && labels[i] == 1);
                double recall = (double)hits / positives;
                expected += (recall - previousRecall) * hits / selected;
                previousRecall = recall;
            }
            Assert.Equal(expected, ClassificationMetrics.AveragePrecision(labels, scores), 12);
        }
    }

    [Fact]
    public void Roc_auc_is_unchanged_by_a_monotone_rescaling_of_scores()
    {
        int[] labels = [0, 1, 1, 0, 1, 0, 0, 1];
        double[] scores = [0.1, 0.7, 0.4, 0.4, 0.9, 0.2, 0.65, 0.3];
        double[] logits = scores.Select(p => Math.Log(p / (1 - p))).ToArray();
        Assert.Equal(ClassificationMetrics.RocAuc(labels, scores), ClassificationMetrics.RocAuc(labels, logits), 12);
    }

    [Fact]
    public void Binary_log_loss_matches_scikit_learn_documentation_example()
    {
        // sklearn log_loss docs: ["spam","ham","ham","spam"], [[.1,.9],[.9,.1],[.8,.2],[.35,.65]] -> 0.21616
        // = -(ln 0.9 + ln 0.9 + ln 0.8 + ln 0.65) / 4
        double expected = -(Math.Log(0.9) + Math.Log(0.9) + Math.Log(0.8) + Math.Log(0.65)) / 4.0;
        double actual = ClassificationMetrics.LogLoss([1, 0, 0, 1], [0.9, 0.1, 0.2, 0.65]);
        Assert.Equal(expected, actual, 12);
        Assert.Equal(0.21616, actual, 5);
    }

    [Fact]
    public void Multiclass_log_loss_reads_the_true_class_column()
    {
        double[] probabilities =
        [
            0.1, 0.9,
            0.9, 0.1,
            0.8, 0.2,
            0.35, 0.65,
        ];
        Assert.Equal(0.21616, ClassificationMetrics.LogLoss([1, 0, 0, 1], probabilities, 2), 5);

        // three classes: -(ln 0.7 + ln 0.5) / 2
        double[] three = [0.7, 0.2, 0.1, 0.25, 0.25, 0.5];
        Assert.Equal(-(Math.Log(0.7) + Math.Log(0.5)) / 2.0, ClassificationMetrics.LogLoss([0, 2], three, 3), 12);
    }

    [Fact]
    public void Log_loss_clips_certain_misses_at_epsilon()
    {
        // predicted 0 for a positive: -ln(1e-15) = 34.5388
        Assert.Equal(-Math.Log(1e-15), ClassificationMetrics.LogLoss([1], [0.0]), 9);
    }

    [Fact]
    public void Multiclass_log_loss_rejects_rows_not_summing_to_one()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            ClassificationMetrics.LogLoss([0], [0.5, 0.4, 0.2], 3));
        Assert.Equal("probabilities", error.ParamName);
    }

    [Fact]
    public void Brier_score_matches_scikit_learn_documentation_example()
    {
        // sklearn brier_score_loss docs: y=[0,1,1,0], p=[0.1,0.9,0.8,0.3] -> (0.01+0.01+0.04+0.09)/4 = 0.0375
        Assert.Equal(0.0375, ClassificationMetrics.BrierScore([0, 1, 1, 0], [0.1, 0.9, 0.8, 0.3]), 12);
    }

    [Fact]
    public void Expected_calibration_error_weights_bins_by_count()
    {
        // 10 bins. bin 0: {0.05 -> 0}: |0 - 0.05| = 0.05, weight 1/5
        // bin 1: {0.15 -> 1, 0.18 -> 0}: rate 0.5, confidence 0.165, gap 0.335, weight 2/5
        // bin 9: {0.95 -> 1, 1.0 -> 1}: rate 1, confidence 0.975, gap 0.025, weight 2/5
        // ECE = 0.05/5 + 0.67/5 + 0.05/5 = 0.154
        double ece = ClassificationMetrics.ExpectedCalibrationError([0, 1, 0, 1, 1], [0.05, 0.15, 0.18, 0.95, 1.0]);
        Assert.Equal(0.154, ece, 12);
    }

    [Fact]
    public void Bad_input_names_the_argument()
    {
        Assert.Equal("predicted",
            Assert.Throws<ArgumentException>(() => ClassificationMetrics.Accuracy([1, 0], [1])).ParamName);
        Assert.Equal("actual",
            Assert.Throws<ArgumentException>(() => ClassificationMetrics.Accuracy([], [])).ParamName);
        Assert.Equal("scores",
            Assert.Throws<ArgumentException>(() => ClassificationMetrics.RocAuc([0, 1], [0.1, double.NaN])).ParamName);
        Assert.Equal("probabilities",
            Assert.Throws<ArgumentException>(() => ClassificationMetrics.BrierScore([0, 1], [0.1, double.NaN])).ParamName);
        Assert.Equal("actual",
            Assert.Throws<ArgumentException>(() => ClassificationMetrics.Precision([0, 2], [0, 1])).ParamName);
        Assert.Equal("probabilities",
            Assert.Throws<ArgumentException>(() => ClassificationMetrics.LogLoss([0, 1], [0.1, 1.5])).ParamName);
    }
}
