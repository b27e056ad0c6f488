using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Pipelines.Abstractions;
using Pipelines.Steps.Report;
using Pipelines.Steps.Train;
using Pipelines.Steps.Tests.Support;

namespace Pipelines.Steps.Tests.Report;

public sealed class RunReportRocTests : IDisposable
{
    private readonly TestStepContext _context = new();

    public void Dispose() => _context.Dispose();

    /// <summary>
    /// Holdout rows of a made-up classifier: a random label per row, and per class a score that is noise plus
    /// <paramref name="signal"/>[c] on the rows of class c, turned into probabilities and rounded to two decimals so
    /// that many rows tie. Each class thus gets its own separability, and so its own AUC.
    /// </summary>
    private static (int[] Labels, double[][] Probabilities) Holdout(int rows, double[] signal, int seed, int? absentClass = null)
    {
        var random = new Random(seed);
        var classes = signal.Length;
        var labels = new int[rows];
        var probabilities = new double[rows][];
        for (var r = 0; r < rows; r++)
        {
            do labels[r] = random.Next(classes);
            while (labels[r] == absentClass);
            var raw = Enumerable.Range(0, classes).Select(c => Math.Exp(random.NextDouble() + (labels[r] == c ? signal[c] : 0))).ToArray();
            probabilities[r] = raw.Select(v => Math.Round(v / raw.Sum(), 2)).ToArray();
        }
        return (labels, probabilities);
    }

    private string Report(string objective, IReadOnlyList<string> classes, int[] labels, double[][] probabilities)
    {
        var metrics = new TrainingMetrics
        {
            Task = objective == "binary" ? ModelTask.Binary : ModelTask.Multiclass, Target = "regime", Classes = classes, Features = ["ret_1"],
            Rows = new TrainingRowCounts { Train = 1000, Gap = 0, Holdout = labels.Length },
            TrainingDataSha256 = new string('0', 64), ModelSha256 = new string('1', 64),
            Parameters = new Dictionary<string, string>(), Holdout = new Dictionary<string, double?> { ["accuracy"] = 0.5 },
        };
        var staged = _context.StageArtifact("metrics", "json");
        File.WriteAllText(staged.Path, metrics.ToJson());
        var predictionColumns = objective == "binary" ? ["prediction"] : Enumerable.Range(0, classes.Count).Select(c => $"p{c}").ToList();
        var holdout = TableFiles.Parquet(_context, ["source_row", "label", .. predictionColumns],
            labels.Select((label, r) => new double?[] { r, label }.Concat(probabilities[r].Select(p => (double?)p)).ToArray()));
        var outputs = new RunReportStep().ExecuteAsync(new RunReportInputs
        {
            Title = "regimes", Metrics = _context.CommitArtifact(staged), Holdout = holdout,
        }, _context, default).GetAwaiter().GetResult();
        return File.ReadAllText(_context.FullPath(outputs.Report));
    }

    /// <summary>
    /// The share of (positive, negative) pairs the score orders rightly, a tie counting one half — the AUC by its
    /// definition, pair by pair.
    /// </summary>
    private static double PairwiseAuc(bool[] positive, double[] scores)
    {
        double wins = 0, pairs = 0;
        for (var i = 0; i < scores.Length; i++)
        {
            if (!positive[i]) continue;
            for (var j = 0; j < scores.Length; j++)
            {
                if (positive[j]) continue;
                pairs++;
                wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
            }
        }
        return wins / pairs;
    }

    private static double OneVsRestAuc(int[] labels, double[][] probabilities, int c) =>
        PairwiseAuc(labels.Select(l => l == c).ToArray(), probabilities.Select(p => p[c]).ToArray());

    /// <summary>The AUC a curve's legend gives for the named curve.</summary>
    private static double LegendAuc(string rocSection, string name)
    {
        var label = Assert.Single(ReportHtml.SvgTexts(rocSection), t => t.StartsWith(name + " (AUC ", StringComparison.Ordinal));
        return double.Parse(Regex.Match(label, @"\(AUC ([0-9.]+)\)$").Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [Fact]
    public void A_multiclass_report_draws_one_curve_per_class_each_with_its_own_auc()
    {
        string[] classes = ["HIGH", "LOW", "MID"];
        var (labels, probabilities) = Holdout(300, signal: [0.7, 0.0, 0.3], seed: 5);
        var expected = Enumerable.Range(0, 3).Select(c => OneVsRestAuc(labels, probabilities, c)).ToArray();
        // The classes must be told apart by their AUC, or a curve labelled with another class's figure would pass;
        // and scores must tie, or the half-counted ties would go untested.
        Assert.True(expected[0] - expected[2] > 0.05 && expected[2] - expected[1] > 0.05, string.Join(", ", expected));
        Assert.True(probabilities.Select(p => p[0]).Distinct().Count() < labels.Length / 2);

        var roc = ReportHtml.Section(Report("multiclass", classes, labels, probabilities), "ROC curve");

        Assert.Equal(classes.Length + 1, ReportHtml.Polylines(roc));
        for (var c = 0; c < classes.Length; c++)
            Assert.Equal(expected[c], LegendAuc(roc, classes[c]), 0.0005);
        Assert.Contains("chance", ReportHtml.SvgTexts(roc));
    }

    [Fact]
    public void A_binary_report_keeps_its_single_curve_with_its_auc()
    {
        var (labels, probabilities) = Holdout(200, signal: [0, 1.2], seed: 8);
        var positive = probabilities.Select(p => p[1]).ToArray();

        var roc = ReportHtml.Section(Report("binary", ["0", "1"], labels, positive.Select(p => new[] { p }).ToArray()), "ROC curve");

        Assert.Equal(2, ReportHtml.Polylines(roc));
        Assert.Equal(PairwiseAuc(labels.Select(l => l == 1).ToArray(), positive), LegendAuc(roc, "model"), 0.0005);
    }

    [Fact]
    public void A_class_missing_from_the_holdout_has_no_curve_and_the_report_says_so()
    {
        var (labels, probabilities) = Holdout(200, signal: [1.0, 1.0, 1.0], seed: 13, absentClass: 2);

        var roc = ReportHtml.Section(Report("multiclass", ["HIGH", "LOW", "MID"], labels, probabilities), "ROC curve");

        Assert.Equal(3, ReportHtml.Polylines(roc));
        Assert.DoesNotContain(ReportHtml.SvgTexts(roc), t => t.StartsWith("MID", StringComparison.Ordinal));
        Assert.Contains("No curve for MID", roc);
    }

    [Fact]
    public void Class_names_in_the_legend_are_shown_as_text()
    {
        var (labels, probabilities) = Holdout(120, signal: [1.0, 1.0], seed: 3);

        var html = Report("multiclass", ["<i>calm</i>", "fast & loose"], labels, probabilities);

        Assert.DoesNotContain("<i>calm</i>", html);
        var roc = ReportHtml.Section(html, "ROC curve");
        Assert.Contains(ReportHtml.SvgTexts(roc), t => t.StartsWith("<i>calm</i> (AUC ", StringComparison.Ordinal));
        Assert.Contains(ReportHtml.SvgTexts(roc), t => t.StartsWith("fast & loose (AUC ", StringComparison.Ordinal));
    }
}
