using System.CommandLine;
using Pipelines.Learning.Trees;

namespace Pipelines.Cli.Commands;

/// <summary>
/// LightGBM from the command line: train with LightGBM itself (any objective, any parameter by LightGBM's name)
/// and predict with our reader in LightGBM's task=predict output layout, from CSV files.
/// </summary>
public static class MlCommand
{
    public static Command Create(Func<ParseResult, CliContext> contextFor) =>
        new("ml", "Train and predict gradient-boosted trees from CSV files, LightGBM style.") { Train(contextFor), Predict(contextFor) };

    private static Command Train(Func<ParseResult, CliContext> contextFor)
    {
        var data = new Option<string>("--data") { Description = "Training CSV with a header; 'nan' or empty cells are missing.", Required = true };
        var label = new Option<string>("--label") { Description = "Label column name.", Required = true };
        var objective = new Option<string>("--objective") { Description = "Any LightGBM objective: binary, multiclass, regression, huber, quantile, poisson, ...", Required = true };
        var parameters = new Option<string[]>("--param") { Description = "A LightGBM parameter NAME=VALUE, e.g. num_leaves=31 (repeatable)." };
        var valid = new Option<string?>("--valid") { Description = "Validation CSV, for early stopping and metrics." };
        var output = new Option<string>("--out") { Description = "Where to write the LightGBM text model.", Required = true };
        var command = new Command("train", "Train a model and save it in LightGBM's model.txt format.") { data, label, objective, parameters, valid, output };
        command.SetAction((parse, _) =>
        {
            var context = contextFor(parse);
            return CommandGuard.RunAsync(context, () =>
            {
                var settings = GlobalOptions.ParseParams(parse.GetValue(parameters));
                var validPath = parse.GetValue(valid);
                var (iterations, perIteration) = LightGbmCommandLine.Train(context.ResolveUserPath(parse.GetValue(data)!), parse.GetValue(label)!, parse.GetValue(objective)!,
                    settings, validPath is null ? null : context.ResolveUserPath(validPath), context.ResolveUserPath(parse.GetValue(output)!), context.Output);
                context.Output.WriteLine($"saved {iterations} iterations ({iterations * perIteration} trees) to {parse.GetValue(output)}");
                return Task.FromResult(ExitCodes.Success);
            });
        });
        return command;
    }

    private static Command Predict(Func<ParseResult, CliContext> contextFor)
    {
        var model = new Option<string>("--model") { Description = "A LightGBM text model (ours or LightGBM's).", Required = true };
        var data = new Option<string>("--data") { Description = "CSV with a header holding the model's feature columns.", Required = true };
        var output = new Option<string>("--out") { Description = "Where to write predictions, one row per input row, tab-separated per class.", Required = true };
        var raw = new Option<bool>("--raw-score") { Description = "Raw scores instead of probabilities." };
        var contrib = new Option<bool>("--contrib") { Description = "SHAP values per feature then the expected value, per class." };
        var command = new Command("predict", "Predict with a model, writing LightGBM's task=predict layout.") { model, data, output, raw, contrib };
        command.SetAction((parse, _) =>
        {
            var context = contextFor(parse);
            return CommandGuard.RunAsync(context, () =>
            {
                var rows = LightGbmCommandLine.Predict(context.ResolveUserPath(parse.GetValue(model)!), context.ResolveUserPath(parse.GetValue(data)!),
                    context.ResolveUserPath(parse.GetValue(output)!), parse.GetValue(raw), parse.GetValue(contrib));
                context.Output.WriteLine($"wrote {rows} rows to {parse.GetValue(output)}");
                return Task.FromResult(ExitCodes.Success);
            });
        });
        return command;
    }
}
