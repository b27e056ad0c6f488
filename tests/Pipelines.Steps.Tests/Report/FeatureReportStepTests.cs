using Pipelines.Abstractions;
using Pipelines.Steps.Report;
using Pipelines.Steps.Tests.Support;
using Pipelines.Steps.Train;

namespace Pipelines.Steps.Tests.Report;

public sealed class FeatureReportStepTests : IDisposable
{
    private const int Rows = 400, Horizon = 3;
    private readonly TestStepContext _context = new();
    private readonly double[] _close = new double[Rows];
    private readonly double[] _flow = new double[Rows];
    private readonly double[] _noise = new double[Rows];
    private readonly double[] _regime = new double[Rows];

    public FeatureReportStepTests()
    {
        var random = new Random(12);
        _close[0] = 100;
        for (var i = 1; i < Rows; i++) _close[i] = _close[i - 1] * (1 + (random.NextDouble() - 0.5) * 0.01);
        for (var i = 0; i < Rows; i++)
        {
            // Order flow that leads the price in regime 1 and means nothing in regime 0; a tenth of its values missing.
            _regime[i] = i / 50 % 2;
            var ahead = i + Horizon < Rows ? _close[i + Horizon] / _close[i] - 1 : 0;
            _flow[i] = i % 10 == 7 ? double.NaN : _regime[i] == 1 ? ahead * 50 + (random.NextDouble() - 0.5) * 0.2 : random.NextDouble() - 0.5;
            _noise[i] = Math.Round(random.NextDouble() * 5); // few distinct values: many ties
        }
    }

    public void Dispose() => _context.Dispose();

    private Artifact Table() => TableFiles.Parquet(_context, ["open_time", "close", "flow", "noise", "regime"],
        Enumerable.Range(0, Rows).Reverse().Select(i => new double?[] { 1000.0 * i, _close[i], _flow[i], _noise[i], _regime[i] }));

    private sealed record Correlation(string Feature, string Group, long Rows, double Pearson, double Spearman);

    private List<Correlation> Read(Artifact table)
    {
        using var probe = new ParquetProbe(_context.FullPath(table));
        return probe.Rows("SELECT feature, \"group\", rows, pearson, spearman FROM {t}")
            .Select(r => new Correlation((string)r[0]!, (string)r[1]!, (long)r[2]!, r[3] as double? ?? double.NaN, r[4] as double? ?? double.NaN)).ToList();
    }

    private static double Pearson(double[] a, double[] b)
    {
        double ma = a.Average(), mb = b.Average();
        return a.Zip(b, (p, q) => (p - ma) * (q - mb)).Sum() / Math.Sqrt(a.Sum(p => (p - ma) * (p - ma)) * b.Sum(q => (q - mb) * (q - mb)));
    }

    private static double[] Ranks(double[] v) => v.Select(a => 1 + v.Count(b => b < a) + (v.Count(b => b == a) - 1) / 2.0).ToArray();

    /// <summary>By brute force: the forward return of every row that has one, paired with the feature where it is present.</summary>
    private (double Pearson, double Spearman, int Rows) Expected(double[] feature, double? regime)
    {
        var pairs = Enumerable.Range(0, Rows - Horizon)
            .Where(i => !double.IsNaN(feature[i]) && (regime is null || _regime[i] == regime))
            .Select(i => (X: feature[i], Y: _close[i + Horizon] / _close[i] - 1)).ToArray();
        var x = pairs.Select(p => p.X).ToArray();
        var y = pairs.Select(p => p.Y).ToArray();
        return (Pearson(x, y), Pearson(Ranks(x), Ranks(y)), pairs.Length);
    }

    [Fact]
    public async Task Each_feature_is_correlated_with_the_forward_return_overall_and_per_regime_as_brute_force_counts_it()
    {
        var outputs = await new FeatureReportStep().ExecuteAsync(new FeatureReportInputs { Data = Table(), Horizon = Horizon, By = "regime" }, _context, default);

        var table = Read(outputs.Table);
        Assert.Equal(6, table.Count); // flow and noise, each over all, regime 0.0 and regime 1.0
        foreach (var (name, values) in new[] { ("flow", _flow), ("noise", _noise) })
        {
            foreach (var (group, regime) in new (string, double?)[] { ("all", null), ("0.0", 0), ("1.0", 1) })
            {
                var row = Assert.Single(table, r => r.Feature == name && r.Group == group);
                var expected = Expected(values, regime);
                Assert.Equal(expected.Rows, row.Rows);
                Assert.Equal(expected.Pearson, row.Pearson, 10);
                Assert.Equal(expected.Spearman, row.Spearman, 10);
            }
        }
        Assert.True(table.Single(r => r.Feature == "flow" && r.Group == "1.0").Spearman > 0.8);

        var html = File.ReadAllText(_context.FullPath(outputs.Report));
        var section = ReportHtml.Section(html, "Features against forward returns");
        Assert.Contains("3 rows ahead", section);
        Assert.Contains(ReportHtml.Rows(section), r => r[0] == "flow" && r[1] == Expected(_flow, null).Rows.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task A_group_too_small_reports_no_correlation_rather_than_a_noisy_one()
    {
        var outputs = await new FeatureReportStep().ExecuteAsync(new FeatureReportInputs { Data = Table(), Horizon = Horizon, By = "regime", MinRows = 250 }, _context, default);

        var table = Read(outputs.Table);
        Assert.All(table.Where(r => r.Group != "all"), r => Assert.True(double.IsNaN(r.Spearman) && double.IsNaN(r.Pearson)));
        Assert.False(double.IsNaN(table.Single(r => r.Feature == "noise" && r.Group == "all").Spearman));
    }

    [Theory]
    [InlineData("features")]
    [InlineData("by")]
    [InlineData("horizon")]
    public async Task Bad_input_is_refused_naming_the_field(string field)
    {
        var inputs = new FeatureReportInputs { Data = Table(), Horizon = Horizon };
        inputs = field switch
        {
            "features" => inputs with { Features = ["flow", "depth_imbalance"] },
            "by" => inputs with { By = "sector" },
            _ => inputs with { Horizon = 0 },
        };
        var error = await Assert.ThrowsAsync<StepInputException>(() => new FeatureReportStep().ExecuteAsync(inputs, _context, default));
        Assert.Equal(field, error.Input);
    }
}
