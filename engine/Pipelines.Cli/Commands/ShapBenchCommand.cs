using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Pipelines.Cli.Bench;

namespace Pipelines.Cli.Commands;

/// <summary><c>pipelines bench shap</c>: Kernel SHAP's cost per row and its error against exact Shapley values.</summary>
internal static class ShapBenchCommand
{
    public static Command Create(Func<ParseResult, CliContext> contextFor)
    {
        var rows = new Option<int>("--rows") { Description = "Rows explained for the timing.", DefaultValueFactory = _ => 200 };
        var coalitions = new Option<int>("--coalitions") { Description = "Coalitions per row (explain/shap's coalitions).", DefaultValueFactory = _ => 512 };
        var seed = new Option<int>("--seed") { Description = "Seed of the networks, rows and coalitions.", DefaultValueFactory = _ => 1 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of text." };
        var command = new Command("shap", "Kernel SHAP (explain/shap for imported ONNX models) on small MLPs in ONNX Runtime: milliseconds per explained row (p50/p95) of a 12-feature 3-class network over a 32-centroid k-means background, and on a 6-feature network the error of sampled Kernel SHAP against exact Shapley values by brute force, with how often two reported standard errors cover it.")
        {
            rows, coalitions, seed, json,
        };
        command.SetAction((parse, _) =>
        {
            var context = contextFor(parse);
            return CommandGuard.RunAsync(context, () =>
            {
                if (parse.GetValue(rows) < 1) throw new ArgumentException("--rows must be at least 1");
                if (parse.GetValue(coalitions) < 24) throw new ArgumentException("--coalitions must be at least 24 (twice the 12 features)");
                var r = ShapBenchmark.Run(parse.GetValue(rows), parse.GetValue(coalitions), parse.GetValue(seed));
                var figures = new Dictionary<string, object>
                {
                    ["features"] = r.Features,
                    ["coalitions_per_row"] = r.Coalitions,
                    ["background_rows"] = r.BackgroundRows,
                    ["rows"] = r.Rows,
                    ["kernel_shap_p50_ms"] = Math.Round(r.P50Ms, 2),
                    ["kernel_shap_p95_ms"] = Math.Round(r.P95Ms, 2),
                    ["small_features"] = r.SmallFeatures,
                    ["small_sampled_coalitions"] = r.SmallCoalitions,
                    ["sampled_mean_abs_error"] = Math.Round(r.MeanAbsError, 6),
                    ["sampled_max_abs_error"] = Math.Round(r.MaxAbsError, 6),
                    ["sampled_mean_standard_error"] = Math.Round(r.MeanStandardError, 6),
                    ["errors_within_two_se"] = Math.Round(r.CoveredWithinTwoSe, 3),
                    ["enumerated_max_abs_error"] = r.EnumeratedMaxAbsError,
                };
                context.Output.WriteLine(parse.GetValue(json)
                    ? JsonSerializer.Serialize(figures)
                    : string.Join(Environment.NewLine, figures.Select(f => $"{f.Key,-30} {Convert.ToString(f.Value, CultureInfo.InvariantCulture)}")));
                return Task.FromResult(ExitCodes.Success);
            });
        });
        return command;
    }
}
