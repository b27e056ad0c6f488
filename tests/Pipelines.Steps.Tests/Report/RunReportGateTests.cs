using System.Globalization;
using System.Text.Json.Nodes;
using Pipelines.Abstractions;
using Pipelines.Learning.Linear;
using Pipelines.Steps.Report;
using Pipelines.Steps.Tests.Support;
using Pipelines.Steps.Tests.Train;
using Pipelines.Steps.Train;
using Pipelines.Steps.Validate;

namespace Pipelines.Steps.Tests.Report;

public sealed class RunReportGateTests : IDisposable
{
    private const int HoldoutStart = 400, RowCount = 500;

    private readonly TestStepContext _context = new() { ModelRegistry = new MemoryModelRegistry() };
    private readonly double?[][] _rows = LinearTables.Rows(RowCount, seed: 21);
    private readonly Artifact _table;

    public RunReportGateTests() => _table = LinearTables.Table(_context, _rows);

    public void Dispose() => _context.Dispose();

    /// <summary>A logistic model of up on the named columns of <see cref="LinearTables"/>; a and b carry the signal, noise none.</summary>
    private TrainLinearOutputs Logistic(params string[] features) =>
        new TrainLinearStep().ExecuteAsync(new TrainLinearInputs
        {
            Input = _table, Target = "up", Objective = LinearObjective.Logistic, Features = features, L2 = 1, Gap = 5,
        }, _context, default).GetAwaiter().GetResult();

    private void Champion(TrainLinearOutputs trained, string name = "updown")
    {
        var version = _context.Registry.Register(name, trained.Model, File.ReadAllText(_context.FullPath(trained.Metrics)), _table.Sha256, "test");
        _context.Registry.Promote(name, version.Version, "champion", "test");
    }

    private GateOutputs Gate(TrainLinearOutputs candidate, params GateRequirement[] require) =>
        new GateStep().ExecuteAsync(new GateInputs { Metrics = candidate.Metrics, Holdout = candidate.Holdout, Data = _table, Require = require }, _context, default)
            .GetAwaiter().GetResult();

    private static GateRequirement BeatsChampion(double margin = 0, string model = "updown", string beats = "champion") =>
        new() { Metric = "logloss", Beats = beats, Model = model, Margin = margin };

    private string Report(TrainLinearOutputs candidate, Artifact gate)
    {
        var outputs = new RunReportStep().ExecuteAsync(new RunReportInputs
        {
            Title = "up or down", Metrics = candidate.Metrics, Holdout = candidate.Holdout, Gate = gate,
        }, _context, default).GetAwaiter().GetResult();
        return File.ReadAllText(_context.FullPath(outputs.Report));
    }

    /// <summary>The gate's own record of its first requirement: the data the report is given, not what it shows.</summary>
    private JsonNode Recorded(GateOutputs gate) => JsonNode.Parse(File.ReadAllText(_context.FullPath(gate.Report)))!["requirements"]![0]!;

    /// <summary>Log loss on the holdout rows, from the model's saved weights and the table's own columns.</summary>
    private double HoldoutLogLoss(TrainLinearOutputs trained, params int[] featureColumns)
    {
        var model = LinearModelFile.Load(_context.FullPath(trained.Model));
        var loss = 0.0;
        for (var r = HoldoutStart; r < RowCount; r++)
        {
            var p = model.Predict(featureColumns.Select(c => _rows[r][c]!.Value).ToArray());
            loss -= _rows[r][5] == 1 ? Math.Log(p) : Math.Log(1 - p);
        }
        return loss / (RowCount - HoldoutStart);
    }

    /// <summary>The comparison table's row for a requirement and the sentence row under it.</summary>
    private static (IReadOnlyList<string> Cells, string Why) ComparisonRow(string html)
    {
        var rows = ReportHtml.Rows(ReportHtml.Section(html, "Gate"));
        var index = rows.ToList().FindIndex(r => r.Count == 8 && (r[1].EndsWith("of updown", StringComparison.Ordinal) || r[1].EndsWith("none yet", StringComparison.Ordinal)));
        Assert.True(index >= 0, "the gate section has no comparison row");
        return (rows[index], Assert.Single(rows[index + 1]));
    }

    private static double Number(string cell) => double.Parse(cell.Split(' ')[0], CultureInfo.InvariantCulture);

    [Fact]
    public void A_failed_champion_comparison_shows_both_values_the_margin_and_the_bound()
    {
        var strong = Logistic("a", "b", "noise");
        Champion(strong);
        var weak = Logistic("noise");

        var gate = Gate(weak, BeatsChampion(margin: 0.01));
        Assert.False(gate.Passed);
        var html = Report(weak, gate.Report);
        var (cells, why) = ComparisonRow(html);

        Assert.Contains(["metric", "compared with", "candidate", "champion", "improvement", "lower bound", "margin", "verdict"], ReportHtml.Rows(ReportHtml.Section(html, "Gate")));
        var candidate = HoldoutLogLoss(weak, 3);
        var champion = HoldoutLogLoss(strong, 1, 2, 3);
        Assert.Equal("logloss", cells[0]);
        Assert.Equal("champion v1 of updown", cells[1]);
        Assert.Equal(candidate, Number(cells[2]), 1e-6);
        Assert.Equal(champion, Number(cells[3]), 1e-6);
        Assert.Equal(champion - candidate, Number(cells[4]), 1e-6);
        Assert.Equal((double)Recorded(gate)["lower_bound"]!, Number(cells[5]), 1e-6);
        Assert.EndsWith("(95%)", cells[5]);
        Assert.Equal(0.01, Number(cells[6]));
        Assert.Equal("fails", cells[7]);
        Assert.StartsWith("Does not beat champion v1: on the same 100 holdout rows the candidate's logloss (lower is better) is", why);
        Assert.EndsWith("not above the margin 0.01.", why);
    }

    [Fact]
    public void A_gain_above_the_margin_whose_lower_bound_is_not_fails_as_possibly_luck()
    {
        Champion(Logistic("noise"));
        var strong = Logistic("a", "b", "noise");
        var free = Recorded(Gate(strong, BeatsChampion()));
        // A margin between the bound and the mean gain: the gain clears it, the bound does not.
        var margin = ((double)free["improvement"]! + (double)free["lower_bound"]!) / 2;

        var gate = Gate(strong, BeatsChampion(margin));
        Assert.False(gate.Passed);
        var (cells, why) = ComparisonRow(Report(strong, gate.Report));

        Assert.Equal("fails", cells[7]);
        Assert.True(Number(cells[4]) > Number(cells[6]) && Number(cells[6]) > Number(cells[5]), string.Join(" | ", cells));
        Assert.Contains(", above the margin", why);
        Assert.EndsWith("but its 95% lower bound " + cells[5].Split(' ')[0] + " is not, so the gain may be luck of the sample.", why);
    }

    [Fact]
    public void A_passed_champion_comparison_says_the_gain_and_its_bound_both_clear_the_margin()
    {
        var weak = Logistic("noise");
        Champion(weak);
        var strong = Logistic("a", "b", "noise");

        var gate = Gate(strong, BeatsChampion());
        Assert.True(gate.Passed);
        var html = Report(strong, gate.Report);
        var (cells, why) = ComparisonRow(html);

        Assert.Contains("<p class=\"ok\">Passed</p>", html);
        Assert.Equal(HoldoutLogLoss(strong, 1, 2, 3), Number(cells[2]), 1e-6);
        Assert.Equal(HoldoutLogLoss(weak, 3), Number(cells[3]), 1e-6);
        Assert.Equal("beats", cells[7]);
        Assert.StartsWith("Beats champion v1:", why);
        Assert.EndsWith("are both above the margin 0.", why);
    }

    [Fact]
    public void A_comparison_with_a_version_number_names_that_version()
    {
        var strong = Logistic("a", "b", "noise");
        Champion(strong);
        var weak = Logistic("noise");

        var html = Report(weak, Gate(weak, BeatsChampion(beats: "1")).Report);
        var (cells, why) = ComparisonRow(html);

        Assert.Equal("v1 of updown", cells[1]);
        Assert.StartsWith("Does not beat v1:", why);
        Assert.Contains(["metric", "compared with", "candidate", "rival", "improvement", "lower bound", "margin", "verdict"], ReportHtml.Rows(ReportHtml.Section(html, "Gate")));
    }

    [Fact]
    public void With_no_champion_yet_the_report_says_there_was_nothing_to_beat()
    {
        var candidate = Logistic("a", "b", "noise");
        var (cells, why) = ComparisonRow(Report(candidate, Gate(candidate, BeatsChampion()).Report));

        Assert.Equal("champion of updown: none yet", cells[1]);
        Assert.All(cells.Skip(2).Take(5), cell => Assert.Equal("", cell));
        Assert.Equal("passes", cells[7]);
        Assert.Equal("No champion of updown was registered yet, so there was nothing to beat and the requirement passes.", why);
    }

    [Fact]
    public void A_model_name_with_markup_is_shown_as_text()
    {
        var candidate = Logistic("a", "b", "noise");
        var html = Report(candidate, Gate(candidate, BeatsChampion(model: "<b>up&down</b>")).Report);

        Assert.DoesNotContain("<b>up&down</b>", html);
        Assert.Contains("champion of &lt;b&gt;up&amp;down&lt;/b&gt;: none yet", html);
    }

    [Fact]
    public void Thresholds_show_the_value_and_the_bounds_they_were_held_to()
    {
        var candidate = Logistic("a", "b", "noise");
        var gate = Gate(candidate, new GateRequirement { Metric = "auc", Min = 0.99 }, new GateRequirement { Metric = "logloss", Max = 5 });
        var rows = ReportHtml.Rows(ReportHtml.Section(Report(candidate, gate.Report), "Gate"));

        var auc = (double)JsonNode.Parse(File.ReadAllText(_context.FullPath(candidate.Metrics)))!["holdout"]!["auc"]!;
        var aucRow = Assert.Single(rows, r => r[0] == "auc");
        Assert.Equal(auc, Number(aucRow[1]), 1e-6);
        Assert.Equal(["0.99", "", "fails"], aucRow.Skip(2));
        Assert.Equal(["", "5", "meets"], Assert.Single(rows, r => r[0] == "logloss").Skip(2));
    }

    [Fact]
    public void An_artifact_that_is_not_a_gate_report_is_refused_by_name()
    {
        var candidate = Logistic("a", "b", "noise");
        Assert.Equal("gate", Assert.Throws<StepInputException>(() => Report(candidate, candidate.Metrics)).Input);
    }
}
