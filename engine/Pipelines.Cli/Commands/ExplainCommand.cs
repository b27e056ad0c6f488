using System.CommandLine;
using System.Globalization;
using Pipelines.Cli.Output;
using DuckDB.NET.Data;
using Pipelines.Steps.Tables;
using Spectre.Console;

namespace Pipelines.Cli.Commands;

/// <summary>Which features drove one decision, from the explanations an explain/shap step of a run stored.</summary>
public static class ExplainCommand
{
    public static Command Create(Func<ParseResult, CliContext> contextFor)
    {
        var runId = new Argument<string>("run") { Description = "Run id (or unique prefix) that ran an explain/shap step." };
        var row = new Option<long>("--row") { Description = "Row of the explained table (its index in that table).", Required = true };
        var step = new Option<string?>("--step") { Description = "The explain step's id, when the run has more than one." };
        var command = new Command("explain", "Show the features that drove one decision (top SHAP contributions per class), as stored by a run's explain/shap step.")
        {
            runId, row, step,
        };
        command.SetAction((parse, _) =>
        {
            var context = contextFor(parse);
            return CommandGuard.RunAsync(context, () =>
            {
                using var store = context.OpenStore();
                var run = store.FindRun(parse.GetValue(runId)!) ?? throw new ArgumentException($"no run '{parse.GetValue(runId)}' in the store");
                var explainSteps = store.StepRuns(run.RunId).Where(s => s.StepType == "explain/shap" && (parse.GetValue(step) is not { } id || s.StepId == id)).ToList();
                if (explainSteps.Count != 1)
                    throw new ArgumentException(explainSteps.Count == 0 ? $"run {run.RunId} has no explain/shap step" : "the run has several explain/shap steps; name one with --step");
                var decisions = store.OutputArtifacts(run.RunId, explainSteps[0].StepId).SingleOrDefault(o => o.Output == "decisions").Artifact
                    ?? throw new ArgumentException($"step {explainSteps[0].StepId} stored no decisions");
                var path = store.Artifacts.OpenVerified(decisions);
                var source = $"read_parquet({SqlText.Literal(path)})";
                using var connection = ParquetTableWriter.OpenScratch();
                var rows = ExplainedRows(connection, source, parse.GetValue(row));
                if (rows.Count == 0)
                {
                    var bounds = connection.Rows($"SELECT min(row_index), max(row_index) FROM {source}")[0];
                    throw new ArgumentException($"row {parse.GetValue(row)} was not among the explained decisions of run {run.RunId}" +
                        (bounds[0] is null ? "; it explained none" : $"; it explained rows {bounds[0]} to {bounds[1]}"));
                }
                var table = new Table().AddColumns("class", "rank", "feature", "value", "SHAP");
                foreach (var r in rows)
                    table.AddRow(Markup.Escape(r.Class), r.Rank.ToString(CultureInfo.InvariantCulture), Markup.Escape(r.Feature),
                        r.Value.ToString("0.######", CultureInfo.InvariantCulture), r.Shap.ToString("+0.######;-0.######", CultureInfo.InvariantCulture));
                Consoles.For(context.Output).Write(table);
                return Task.FromResult(ExitCodes.Success);
            });
        });
        return command;
    }

    private static List<(string Class, int Rank, string Feature, double Value, double Shap)> ExplainedRows(DuckDBConnection connection, string source, long row)
    {
        using var query = connection.CreateCommand();
        query.CommandText = $"SELECT class, rank, feature, value, shap FROM {source} WHERE row_index = ? ORDER BY class, rank";
        query.Parameters.Add(new DuckDBParameter(row));
        using var reader = query.ExecuteReader();
        var rows = new List<(string, int, string, double, double)>();
        while (reader.Read())
            rows.Add((reader.GetString(reader.GetOrdinal("class")), reader.GetInt32(reader.GetOrdinal("rank")), reader.GetString(reader.GetOrdinal("feature")),
                reader.GetDouble(reader.GetOrdinal("value")), reader.GetDouble(reader.GetOrdinal("shap"))));
        return rows;
    }
}
