using System.Globalization;
using Pipelines.Engine.Tests.Support;

namespace Pipelines.Engine.Tests.Cli;

/// <summary>
/// The LightGBM-like command line, checked against files LightGBM itself wrote (tests/fixtures/lightgbm):
/// its model's predictions through our `ml predict` must equal LightGBM's own.
/// </summary>
public sealed class MlCommandTests : IDisposable
{
    private readonly TestWorkspace _workspace = new();
    private static readonly string Fixtures = Path.Combine(RepositoryPaths.Root, "tests", "fixtures", "lightgbm");

    public void Dispose() => _workspace.Dispose();

    private static double[][] ReadTable(string path) => File.ReadAllLines(path).Where(l => l.Length > 0)
        .Select(l => l.Split('\t').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();

    [Theory]
    [InlineData("binary", "", "predict")]
    [InlineData("multiclass", "", "predict")]
    [InlineData("regression", "--raw-score", "raw")]
    [InlineData("binary", "--contrib", "contrib")]
    public void Predicting_with_a_lightgbm_model_reproduces_lightgbm(string objective, string flag, string expectedFile)
    {
        var output = Path.Combine(_workspace.Root, "out.txt");
        string[] args = ["ml", "predict", "--model", Path.Combine(Fixtures, $"model-{objective}.txt"), "--data", Path.Combine(Fixtures, $"test-{objective}.csv"), "--out", output];
        var run = CliRun.Invoke(flag.Length == 0 ? args : [.. args, flag]);
        Assert.True(run.ExitCode == 0, run.Error);

        var ours = ReadTable(output);
        var theirs = ReadTable(Path.Combine(Fixtures, $"{expectedFile}-{objective}.txt"));
        Assert.Equal(theirs.Length, ours.Length);
        for (var i = 0; i < ours.Length; i++)
        {
            Assert.Equal(theirs[i].Length, ours[i].Length);
            for (var j = 0; j < ours[i].Length; j++)
                Assert.True(Math.Abs(ours[i][j] - theirs[i][j]) <= 1e-9 * Math.Max(1, Math.Abs(theirs[i][j])), $"row {i} col {j}: {ours[i][j]} vs {theirs[i][j]}");
        }
    }

    [Fact]
    public void Training_writes_a_model_that_predicts_as_well_as_lightgbm_on_held_out_rows()
    {
        var model = Path.Combine(_workspace.Root, "model.txt");
        var train = CliRun.Invoke("ml", "train", "--data", Path.Combine(Fixtures, "train-binary.csv"), "--label", "label", "--objective", "binary",
            "--param", "num_iterations=50", "--param", "num_leaves=15", "--param", "learning_rate=0.1", "--param", "seed=1", "--out", model);
        Assert.True(train.ExitCode == 0, train.Error);
        Assert.StartsWith("tree", File.ReadAllText(model));

        var output = Path.Combine(_workspace.Root, "p.txt");
        var predict = CliRun.Invoke("ml", "predict", "--model", model, "--data", Path.Combine(Fixtures, "test-binary.csv"), "--out", output);
        Assert.True(predict.ExitCode == 0, predict.Error);

        var labels = File.ReadAllLines(Path.Combine(Fixtures, "test-binary.csv")).Skip(1).Select(l => l.Split(',')[0] == "1").ToArray();
        var ours = ReadTable(output).Select(r => r[0]).ToArray();
        var lightgbm = ReadTable(Path.Combine(Fixtures, "predict-binary.txt")).Select(r => r[0]).ToArray();
        // Same data, same settings: our AUC must be within 0.01 of what LightGBM's own model scores.
        Assert.True(Auc(ours, labels) >= Auc(lightgbm, labels) - 0.01, $"AUC {Auc(ours, labels):F4} vs LightGBM {Auc(lightgbm, labels):F4}");
    }

    [Fact]
    public void A_truncated_model_file_is_refused_with_exit_code_2()
    {
        var text = File.ReadAllText(Path.Combine(Fixtures, "model-binary.txt"));
        var broken = _workspace.Write("broken.txt", text[..(text.Length / 2)]);
        var run = CliRun.Invoke("ml", "predict", "--model", broken, "--data", Path.Combine(Fixtures, "test-binary.csv"), "--out", Path.Combine(_workspace.Root, "p.txt"));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("broken.txt", run.Error);
    }

    /// <summary>AUC by pair counting (ties count half): an oracle independent of the learning library.</summary>
    private static double Auc(double[] scores, bool[] labels)
    {
        double wins = 0, pairs = 0;
        for (var i = 0; i < scores.Length; i++)
        {
            if (!labels[i]) continue;
            for (var j = 0; j < scores.Length; j++)
            {
                if (labels[j]) continue;
                pairs++;
                wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
            }
        }
        return wins / pairs;
    }
}
