using System.Text.Json.Nodes;
using Pipelines.Abstractions;
using Pipelines.Engine.Diagnostics;
using Pipelines.Engine.Settings;
using Pipelines.Steps.Drift;
using Pipelines.Steps.Tables;
using Pipelines.Steps.Tests.Support;

namespace Pipelines.Steps.Tests.Drift;

/// <summary>
/// drift/check takes its thresholds from ml.yaml's drift: section unless the step sets them, and ml.yaml
/// values that cannot work are reported at their line and column.
/// </summary>
public sealed class DriftThresholdSettingsTests : IDisposable
{
    private readonly TestStepContext _context = new();

    public void Dispose() => _context.Dispose();

    private Artifact Table(IEnumerable<double> values)
    {
        using var connection = ParquetTableWriter.OpenScratch();
        var rows = string.Join(", ", values.Select(v => FormattableString.Invariant($"({v})")));
        return ParquetTableWriter.Write(connection, $"SELECT * FROM (VALUES {rows}) AS t(x)", _context, "test").Table;
    }

    /// <summary>
    /// Reference 0..19; the current table moves 2 and 3 to 0.25 and 0.75. Ten quantile bins of the reference have
    /// edges 1, 3, ..., 17, so the first bin (up to 1) doubles from 10% to 20% and the second (1, 3] empties:
    /// PSI = 0.1 ln 2 + (0.1 - 1e-4) ln(0.1 / 1e-4) ≈ 0.76. The CDFs differ by at most 2/20 = 0.1, which KS on
    /// 20 + 20 values finds insignificant, so the verdict rests on the PSI thresholds.
    /// </summary>
    private Task<DriftCheckOutputs> Check(DriftCheckInputs? overrides = null)
    {
        var reference = Table(Enumerable.Range(0, 20).Select(i => (double)i));
        var current = Table(Enumerable.Range(0, 20).Select(i => i switch { 2 => 0.25, 3 => 0.75, _ => (double)i }));
        var inputs = (overrides ?? new DriftCheckInputs { Current = current }) with { Current = current, Reference = reference, Features = ["x"] };
        return new DriftCheckStep().ExecuteAsync(inputs, _context, CancellationToken.None);
    }

    private JsonNode Report(DriftCheckOutputs outputs) => JsonNode.Parse(File.ReadAllText(_context.FullPath(outputs.Report)))!;

    private static DriftSettings Lenient => new() { PsiMedium = 50, PsiHigh = 60, PsiCritical = 70 };

    [Fact]
    public async Task Without_settings_the_built_in_thresholds_call_the_moved_values_critical()
    {
        var outputs = await Check();

        Assert.Equal("CRITICAL", outputs.Severity);
        Assert.True(outputs.Retrain);
        Assert.Equal(0.25, (double)Report(outputs)["thresholds"]!["psi_critical"]!);
        var recorded = Assert.Single(_context.DriftLog.Events);

        // Published as drift.detected with the recorded figures; PSI as the doc comment of Check derives it.
        var published = Assert.Single(_context.EventLog.Published);
        Assert.Equal(("drift.detected", "x"), (published.Type, published.Feature));
        var payload = JsonNode.Parse(published.PayloadJson)!;
        Assert.Equal(("x", "psi", "CRITICAL"), ((string?)payload["feature"], (string?)payload["statistic"], (string?)payload["severity"]));
        Assert.Equal(0.1 * Math.Log(2) + (0.1 - 1e-4) * Math.Log(0.1 / 1e-4), (double)payload["value"]!, 3);
        Assert.Equal(recorded.Value, (double)payload["value"]!);
        Assert.Equal(["x"], payload["findings"]!.AsArray().Select(f => (string?)f!["feature"]));
    }

    [Fact]
    public async Task Ml_yaml_thresholds_apply_when_the_step_omits_them()
    {
        _context.Settings = new WorkspaceSettings { Drift = Lenient with { RetrainFraction = 0.5 } };

        var outputs = await Check();

        Assert.Equal("LOW", outputs.Severity);
        Assert.False(outputs.Retrain);
        var thresholds = Report(outputs)["thresholds"]!;
        Assert.Equal(50, (double)thresholds["psi_medium"]!);
        Assert.Equal(0.5, (double)thresholds["retrain_fraction"]!);
        Assert.Empty(_context.DriftLog.Events);
        Assert.Empty(_context.EventLog.Published);
    }

    [Fact]
    public async Task A_threshold_set_on_the_step_wins_over_ml_yaml_and_the_rest_still_come_from_it()
    {
        _context.Settings = new WorkspaceSettings { Drift = Lenient };

        var outputs = await Check(new DriftCheckInputs { Current = null!, PsiMedium = 0.01 });

        Assert.Equal("MEDIUM", outputs.Severity);
        var thresholds = Report(outputs)["thresholds"]!;
        Assert.Equal(0.01, (double)thresholds["psi_medium"]!);
        Assert.Equal(60, (double)thresholds["psi_high"]!);
    }

    [Fact]
    public async Task A_step_threshold_that_breaks_the_order_with_ml_yaml_values_is_reported_against_the_step_input()
    {
        _context.Settings = new WorkspaceSettings { Drift = Lenient };

        var error = await Assert.ThrowsAsync<StepInputException>(() => Check(new DriftCheckInputs { Current = null!, PsiHigh = 0.3 }));

        Assert.Equal("psi_high", error.Input);
        Assert.Contains("0.3 is below psi_medium 50", error.Message);
        Assert.Contains("ml.yaml", error.Message);
    }

    private string WriteSettings(string yaml)
    {
        var file = Path.Combine(_context.WorkspaceRoot, MlSettings.FileName);
        File.WriteAllText(file, yaml);
        return file;
    }

    [Fact]
    public void Ml_yaml_drift_section_is_read_with_defaults_for_keys_it_omits()
    {
        var settings = Workspace.LoadSettings(WriteSettings("drift:\n  psi_high: 0.22\n  bins: 20\n"));

        Assert.Equal(0.22, settings.Drift.PsiHigh);
        Assert.Equal(20, settings.Drift.Bins);
        Assert.Equal(0.1, settings.Drift.PsiMedium);
        Assert.Equal(0.2, settings.Drift.PerformanceDrift);
        Assert.Equal(settings.Drift, settings.ForSteps().Drift);
    }

    [Theory]
    [InlineData("drift:\n  psi_medium: 0.3\n  psi_high: 0.2\n", 3, 13, "drift.psi_high: 0.2 is below psi_medium 0.3")]
    [InlineData("store:\n  path: .pipelines\ndrift:\n  ks_significance: 1.5\n", 4, 20, "drift.ks_significance: must lie in (0, 1), got 1.5")]
    [InlineData("drift:\n  bins: 1\n", 2, 9, "drift.bins: must be between 2 and 1000, got 1")]
    [InlineData("drift:\n  psi_critical: -1\n", 2, 17, "drift.psi_critical: must be a positive number, got -1")]
    public void Unusable_drift_values_are_reported_at_their_line_and_column(string yaml, int line, int column, string message)
    {
        var file = WriteSettings(yaml);

        var error = Assert.Throws<PipelineValidationException>(() => Workspace.LoadSettings(file));

        var diagnostic = Assert.Single(error.Diagnostics);
        Assert.Equal(DiagnosticCodes.InvalidValue, diagnostic.Code);
        Assert.Equal((line, column), (diagnostic.Location.Line, diagnostic.Location.Column));
        Assert.EndsWith(MlSettings.FileName, diagnostic.Location.File);
        Assert.Contains(message, diagnostic.Message);
    }

    [Fact]
    public void A_drift_value_of_the_wrong_type_is_reported_at_its_position()
    {
        var error = Assert.Throws<PipelineValidationException>(() => Workspace.LoadSettings(WriteSettings("drift:\n  bins: many\n")));

        var diagnostic = Assert.Single(error.Diagnostics);
        Assert.Equal((2, 9), (diagnostic.Location.Line, diagnostic.Location.Column));
    }
}
