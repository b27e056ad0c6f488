using System.CommandLine;
using Pipelines.Cli.Output;
using Pipelines.Engine.Storage;
using Spectre.Console;

namespace Pipelines.Cli.Commands;

/// <summary>The model registry from the command line: what is registered, where each version came from, and moving aliases by hand (audited).</summary>
public static class ModelsCommand
{
    public static Command Create(Func<ParseResult, CliContext> contextFor)
    {
        var models = new Command("models", "List, inspect, promote and roll back registered models.");
        models.Subcommands.Add(List(contextFor));
        models.Subcommands.Add(Show(contextFor));
        models.Subcommands.Add(Promote(contextFor));
        models.Subcommands.Add(Rollback(contextFor));
        return models;
    }

    private static ModelRegistry Registry(CliContext context, PipelineStore store) =>
        new(store, RegistryActor.Person(), context.Workspace.Settings.Registry.MaxVersions);

    private static Command List(Func<ParseResult, CliContext> contextFor)
    {
        var command = new Command("list", "Every model with its versions count, champion and challenger.");
        command.SetAction((parse, _) =>
        {
            var context = contextFor(parse);
            return CommandGuard.RunAsync(context, () =>
            {
                using var store = context.OpenStore();
                var registry = Registry(context, store);
                var table = new Table().AddColumns("model", "versions", "champion", "challenger", "latest");
                foreach (var name in registry.Models())
                {
                    var versions = registry.Versions(name);
                    string Named(string alias) => versions.FirstOrDefault(v => v.Aliases.Contains(alias))?.Version.ToString() ?? "-";
                    table.AddRow(Markup.Escape(name), versions.Count.ToString(), Named(ModelRegistry.Champion), Named(ModelRegistry.Challenger),
                        versions.Count == 0 ? "-" : $"{versions[^1].Version} ({versions[^1].Stage})");
                }
                Consoles.For(context.Output).Write(table);
                return Task.FromResult(ExitCodes.Success);
            });
        });
        return command;
    }

    private static Command Show(Func<ParseResult, CliContext> contextFor)
    {
        var name = new Argument<string>("name") { Description = "Model name." };
        var command = new Command("show", "A model's versions (stage, aliases, origin run, commit, training data) and its audit trail.") { name };
        command.SetAction((parse, _) =>
        {
            var context = contextFor(parse);
            return CommandGuard.RunAsync(context, () =>
            {
                using var store = context.OpenStore();
                var registry = Registry(context, store);
                var model = parse.GetValue(name)!;
                var versions = registry.Versions(model);
                if (versions.Count == 0 && !registry.Models().Contains(model)) throw new ArgumentException($"no model '{model}' in the registry");
                var console = Consoles.For(context.Output);
                var table = new Table().AddColumns("version", "stage", "aliases", "artifact", "training data", "run", "commit", "registered (UTC)", "metrics");
                foreach (var v in versions)
                    table.AddRow(v.Version.ToString(), v.Stage, Markup.Escape(string.Join(", ", v.Aliases)), v.Model.ShortId,
                        v.TrainingDataSha256?[..12] ?? "-", Markup.Escape($"{v.RunId} {v.StepId}".Trim()), v.GitCommit?[..Math.Min(10, v.GitCommit.Length)] ?? "-",
                        v.CreatedAt.ToString("yyyy-MM-dd HH:mm:ss"), Markup.Escape(Shorten(v.MetricsJson)));
                console.Write(table);
                var audit = new Table().AddColumns("when (UTC)", "version", "action", "stage", "alias", "by", "reason");
                foreach (var t in registry.Transitions(model))
                    audit.AddRow(t.At.ToString("yyyy-MM-dd HH:mm:ss"), t.Version.ToString(), t.Action, $"{t.FromStage ?? "-"} → {t.ToStage ?? "-"}",
                        t.Alias ?? "", Markup.Escape(t.Actor + (t.GitCommit is null ? "" : $" @ {t.GitCommit[..Math.Min(10, t.GitCommit.Length)]}")), Markup.Escape(t.Reason ?? ""));
                console.Write(audit);
                var decisions = LifecycleDecisions.For(store, versions.Select(v => (v.Version, (string?)v.RunId)).ToList());
                if (decisions.Count > 0)
                {
                    var decided = new Table().AddColumns("version", "run", "step", "type", "outcome", "why");
                    foreach (var d in decisions)
                        decided.AddRow(d.Version.ToString(), d.RunId, Markup.Escape(d.StepId), d.StepType, d.Outcome, Markup.Escape(d.Detail));
                    console.Write(decided);
                }
                return Task.FromResult(ExitCodes.Success);
            });
        });
        return command;
    }

    private static Command Promote(Func<ParseResult, CliContext> contextFor)
    {
        var name = new Argument<string>("name") { Description = "Model name." };
        var version = new Argument<int>("version") { Description = "Version to promote." };
        var alias = new Option<string>("--alias") { Description = "Alias to move.", DefaultValueFactory = _ => ModelRegistry.Champion };
        var reason = new Option<string>("--reason") { Description = "Why, for the audit trail.", Required = true };
        var command = new Command("promote", "Point an alias at a version by hand (champion by default); audited with your user name.") { name, version, alias, reason };
        command.SetAction((parse, _) =>
        {
            var context = contextFor(parse);
            return CommandGuard.RunAsync(context, () =>
            {
                using var store = context.OpenStore();
                var promoted = Registry(context, store).Promote(parse.GetValue(name)!, parse.GetValue(version), parse.GetValue(alias)!, parse.GetValue(reason)!);
                context.Output.WriteLine($"{promoted.Name} {parse.GetValue(alias)} is version {promoted.Version} ({promoted.Stage})");
                return Task.FromResult(ExitCodes.Success);
            });
        });
        return command;
    }

    private static Command Rollback(Func<ParseResult, CliContext> contextFor)
    {
        var name = new Argument<string>("name") { Description = "Model name." };
        var alias = new Option<string>("--alias") { Description = "Alias to move back.", DefaultValueFactory = _ => ModelRegistry.Champion };
        var reason = new Option<string>("--reason") { Description = "Why, for the audit trail.", Required = true };
        var command = new Command("rollback", "Point an alias back at the version it named before its last promotion; audited.") { name, alias, reason };
        command.SetAction((parse, _) =>
        {
            var context = contextFor(parse);
            return CommandGuard.RunAsync(context, () =>
            {
                using var store = context.OpenStore();
                var restored = Registry(context, store).Rollback(parse.GetValue(name)!, parse.GetValue(alias)!, parse.GetValue(reason)!);
                context.Output.WriteLine($"{restored.Name} {parse.GetValue(alias)} is back at version {restored.Version} ({restored.Stage})");
                return Task.FromResult(ExitCodes.Success);
            });
        });
        return command;
    }

    /// <summary>The holdout metrics of a train step's metrics JSON, compactly; other JSON shortened.</summary>
    private static string Shorten(string? json)
    {
        if (json is null) return "";
        if (Pipelines.Steps.Train.TrainingMetrics.TryParse(json) is { } metrics)
            return string.Join(" ", metrics.Holdout.Select(m => $"{m.Key}={m.Value?.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture)}"));
        return json.Length <= 60 ? json : json[..57] + "...";
    }
}
