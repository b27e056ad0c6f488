using Pipelines.Abstractions;
using Pipelines.Steps.Explain;
using Pipelines.Steps.Tests.Support;
using Pipelines.Steps.Train;
using YamlDotNet.RepresentationModel;

namespace Pipelines.Steps.Tests.Explain;

public sealed class ExplainRulesStepTests : IDisposable
{
    private readonly TestStepContext _context = new();
    private readonly Artifact _table;

    /// <summary>regime is HIGH exactly when natr_30 &gt; 0.004 and roc_5 &lt; -0.001; LOW otherwise.</summary>
    public ExplainRulesStepTests()
    {
        var random = new Random(3);
        _table = TableFiles.Parquet(_context, ["natr_30", "roc_5", "vol_z", "regime"], Enumerable.Range(0, 3000).Select(_ =>
        {
            var natr = random.NextDouble() * 0.008;
            var roc = random.NextDouble() * 0.006 - 0.003;
            return new double?[] { natr, roc, random.NextDouble() * 4 - 2, natr > 0.004 && roc < -0.001 ? 1 : 0 };
        }));
    }

    public void Dispose() => _context.Dispose();

    private Task<TrainGbdtOutputs> Train(double testFraction = 0.25) => new TrainGbdtStep().ExecuteAsync(new TrainGbdtInputs
    {
        Input = _table, Target = "regime", Objective = GbdtObjective.Binary, Features = ["natr_30", "roc_5", "vol_z"], Folds = 3, TestFraction = testFraction,
        Params = new Dictionary<string, string> { ["num_iterations"] = "30", ["min_data_in_leaf"] = "20" },
    }, _context, default);

    [Theory]
    [InlineData(RulesTarget.Labels)]
    [InlineData(RulesTarget.Predictions)]
    public async Task The_rule_behind_the_labels_comes_back_readable_and_checked_on_the_holdout(RulesTarget fitTo)
    {
        var trained = await Train();

        var outputs = await new ExplainRulesStep().ExecuteAsync(new ExplainRulesInputs
        {
            Data = _table, Metrics = trained.Metrics, Holdout = trained.Holdout, OutOfSample = trained.OutOfSample, FitTo = fitTo, MaxDepth = 2, MinDataInLeaf = 50,
            MinHoldoutPrecision = 0.9,
        }, _context, default);

        var high = Assert.Single(outputs.Kept, r => r.Contains("THEN 1", StringComparison.Ordinal));
        var match = System.Text.RegularExpressions.Regex.Match(high,
            @"^IF natr_30 > (?<natr>[-0-9.eE]+) AND roc_5 <= (?<roc>[-0-9.eE]+) THEN 1(\.0)? — \d+ rows, precision (?<p>[0-9.]+) on holdout \(\d+ rows\)$");
        Assert.True(match.Success, high);
        double Number(string group) => double.Parse(match.Groups[group].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(0.004, Number("natr"), 0.0002);
        Assert.Equal(-0.001, Number("roc"), 0.0001);
        Assert.True(Number("p") >= 0.9, high);

        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(_context.FullPath(outputs.Rules))));
        var rules = (YamlSequenceNode)((YamlMappingNode)yaml.Documents[0].RootNode)["rules"];
        Assert.Equal(outputs.Found, rules.Children.Count);
        var kept = rules.Children.Cast<YamlMappingNode>().Where(r => ((YamlScalarNode)r["kept"]).Value == "true").ToList();
        Assert.Equal(outputs.Kept.Count, kept.Count);
        Assert.Contains(kept, r => ((YamlScalarNode)r["text"]).Value == high);
        var markdown = File.ReadAllText(_context.FullPath(outputs.Markdown));
        Assert.Contains("- " + high, markdown);
        Assert.Contains("# Rules for regime", markdown);
    }

    [Fact]
    public async Task A_holdout_with_no_rows_is_refused_naming_the_holdout()
    {
        var trained = await Train();
        var empty = TableFiles.Parquet(_context, ["source_row", "label", "prediction"], []);

        var error = await Assert.ThrowsAsync<StepInputException>(() => new ExplainRulesStep().ExecuteAsync(new ExplainRulesInputs
        {
            Data = _table, Metrics = trained.Metrics, Holdout = empty,
        }, _context, default));

        Assert.Equal("holdout", error.Input);
        Assert.Contains("no holdout", error.Message);
    }

    [Fact]
    public async Task Fitting_to_predictions_without_the_out_of_sample_table_is_refused()
    {
        var trained = await Train();

        var error = await Assert.ThrowsAsync<StepInputException>(() => new ExplainRulesStep().ExecuteAsync(new ExplainRulesInputs
        {
            Data = _table, Metrics = trained.Metrics, Holdout = trained.Holdout, FitTo = RulesTarget.Predictions,
        }, _context, default));

        Assert.Equal("fit_to", error.Input);
    }
}
