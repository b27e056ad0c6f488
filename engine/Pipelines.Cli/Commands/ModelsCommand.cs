using System.CommandLine;
using Pipelines.Cli.Output;
using Pipelines.Cli.Remote;
using Pipelines.Engine.Storage;
using Pipelines.Service.Api.Models;
using Spectre.Console;

namespace Pipelines.Cli.Commands;

/// <summary>
/// The model registry from the command line: what is registered, where each version came from, and moving aliases by
/// hand (audited). While a service holds the store every subcommand goes through its API; either way one render
/// function per subcommand prints what was read.
/// </summary>
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
            return CommandGuard.RunAsync(context, async () =>
            {
                IReadOnlyList<ModelSummary> models;
                if (ServiceClient.Find(context) is { } service)
                    using (service)
                        models = (await service.ListModelsAsync(context.Cancellation)).Items;
                else
                {
                    using var store = context.OpenStore();
                    models = Summaries(Registry(context, store));
                }
                RenderList(context, models);
                return ExitCodes.Success;
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
            return CommandGuard.RunAsync(context, async () =>
            {
                var model = parse.GetValue(name)!;
                ModelDetailResponse detail;
                IReadOnlyList<LifecycleDecisions.Decision> decisions;
                if (ServiceClient.Find(context) is { } service)
                    using (service)
                    {
                        detail = await service.GetModelAsync(model, context.Cancellation);
                        var runs = new Dictionary<string, Pipelines.Service.Api.Runs.RunDetails?>();
                        foreach (var runId in detail.Versions.Select(v => v.RunId).OfType<string>().Distinct())
                            runs[runId] = await RunOrNull(service, runId, context.Cancellation);
                        decisions = LifecycleDecisions.For(VersionRuns(detail), runId => runs.GetValueOrDefault(runId));
                    }
                else
                {
                    using var store = context.OpenStore();
                    var registry = Registry(context, store);
                    if (!registry.Models().Contains(model)) throw new ArgumentException($"no model '{model}' in the registry");
                    var versions = registry.Versions(model);
                    detail = new ModelDetailResponse(model, null, null, versions.Select(ModelVersionResponse.From).ToList(),
                        registry.Transitions(model).Select(ModelTransitionResponse.From).ToList());
                    decisions = LifecycleDecisions.For(store, VersionRuns(detail));
                }
                RenderModel(context, detail, decisions);
                return ExitCodes.Success;
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
            return CommandGuard.RunAsync(context, async () =>
            {
                var (model, number, aliasName, why) = (parse.GetValue(name)!, parse.GetValue(version), parse.GetValue(alias)!, parse.GetValue(reason)!);
                (string Name, int Version, string Stage) promoted;
                if (ServiceClient.Find(context) is { } service)
                    using (service)
                    {
                        var changed = (await service.PromoteModelAsync(model, number, aliasName, why, context.Cancellation)).Version;
                        promoted = (changed.Name, changed.Version, changed.Stage);
                    }
                else
                {
                    using var store = context.OpenStore();
                    var changed = Registry(context, store).Promote(model, number, aliasName, why);
                    promoted = (changed.Name, changed.Version, changed.Stage);
                }
                context.Output.WriteLine($"{promoted.Name} {aliasName} is version {promoted.Version} ({promoted.Stage})");
                return ExitCodes.Success;
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
            return CommandGuard.RunAsync(context, async () =>
            {
                var (model, aliasName, why) = (parse.GetValue(name)!, parse.GetValue(alias)!, parse.GetValue(reason)!);
                (string Name, int Version, string Stage) restored;
                if (ServiceClient.Find(context) is { } service)
                    using (service)
                    {
                        var changed = (await service.RollbackModelAsync(model, aliasName, why, context.Cancellation)).Version;
                        restored = (changed.Name, changed.Version, changed.Stage);
                    }
                else
                {
                    using var store = context.OpenStore();
                    var changed = Registry(context, store).Rollback(model, aliasName, why);
                    restored = (changed.Name, changed.Version, changed.Stage);
                }
                context.Output.WriteLine($"{restored.Name} {aliasName} is back at version {restored.Version} ({restored.Stage})");
                return ExitCodes.Success;
            });
        });
        return command;
    }

    /// <summary>The registry's models as the service lists them, so both paths print through <see cref="RenderList"/>.</summary>
    internal static IReadOnlyList<ModelSummary> Summaries(ModelRegistry registry) => registry.Models().Select(name =>
    {
        var versions = registry.Versions(name);
        int? Named(string alias) => versions.FirstOrDefault(v => v.Aliases.Contains(alias))?.Version;
        return new ModelSummary(name, Named(ModelRegistry.Champion), Named(ModelRegistry.Challenger), versions.Count,
            versions.Count == 0 ? null : versions.Max(v => v.CreatedAt), versions.Count == 0 ? null : versions[^1].Version, versions.Count == 0 ? null : versions[^1].Stage);
    }).ToList();

    private static void RenderList(CliContext context, IReadOnlyList<ModelSummary> models)
    {
        var table = new Table().AddColumns("model", "versions", "champion", "challenger", "latest");
        foreach (var m in models)
            table.AddRow(Markup.Escape(m.Name), m.Versions.ToString(), m.Champion?.ToString() ?? "-", m.Challenger?.ToString() ?? "-",
                m.LatestVersion is { } latest ? $"{latest} ({m.LatestStage})" : "-");
        Consoles.For(context.Output).Write(table);
    }

    private static IReadOnlyList<(int Version, string? RunId)> VersionRuns(ModelDetailResponse detail) =>
        detail.Versions.Select(v => (v.Version, v.RunId)).ToList();

    /// <summary>A run the service no longer knows (pruned) shows no decisions rather than failing the listing.</summary>
    private static async Task<Pipelines.Service.Api.Runs.RunDetails?> RunOrNull(ServiceClient service, string runId, CancellationToken cancellationToken)
    {
        try { return await service.GetRunAsync(runId, cancellationToken); }
        catch (ArgumentException) { return null; }
    }

    /// <summary>
    /// The lineage chain of every version trained by continuing another (train/gbdt's continue_from). Parents in other
    /// models are looked up in the local store; through the service only this model's versions are known.
    /// </summary>
    private static void WriteLineage(CliContext context, ModelDetailResponse detail)
    {
        var continued = detail.Versions.Where(v => v.ParentModel is not null).ToList();
        if (continued.Count == 0) return;
        var own = detail.Versions.ToDictionary(v => v.Version);
        Pipelines.Engine.Storage.PipelineStore? store = null;
        try
        {
            var remote = ServiceClient.Find(context);
            remote?.Dispose();
            LineageChain.Ancestor? Lookup(string model, int version)
            {
                if (model == detail.Name)
                    return own.TryGetValue(version, out var v) ? new(true, v.ParentModel, v.ParentVersion) : new(false, null, null);
                // A running service holds the store; this listing has only the model it asked for.
                if (remote is not null) return null;
                store ??= context.OpenStore();
                return Registry(context, store).Find(model, version.ToString(System.Globalization.CultureInfo.InvariantCulture)) is { } found
                    ? new(true, found.Parent?.Name, found.Parent?.Version)
                    : new(false, null, null);
            }
            context.Output.WriteLine("lineage (continued training, newest first):");
            foreach (var version in continued.OrderByDescending(v => v.Version))
                context.Output.WriteLine("  " + LineageChain.Describe(version, Lookup));
        }
        finally
        {
            store?.Dispose();
        }
    }

    private static void RenderModel(CliContext context, ModelDetailResponse detail, IReadOnlyList<LifecycleDecisions.Decision> decisions)
    {
        var console = Consoles.For(context.Output);
        var table = new Table().AddColumns("version", "stage", "aliases", "artifact", "training data", "run", "commit", "registered (UTC)", "metrics");
        foreach (var v in detail.Versions)
            table.AddRow(v.Version.ToString(), v.Stage, Markup.Escape(string.Join(", ", v.Aliases)), v.ArtifactSha256[..Math.Min(12, v.ArtifactSha256.Length)],
                v.TrainingDataSha256?[..12] ?? "-", Markup.Escape($"{v.RunId} {v.StepId}".Trim()), v.GitCommit?[..Math.Min(10, v.GitCommit.Length)] ?? "-",
                v.CreatedAt.ToString("yyyy-MM-dd HH:mm:ss"), Markup.Escape(Shorten(v.Metrics?.GetRawText())));
        console.Write(table);
        WriteLineage(context, detail);
        EnsembleMembersTable.Write(console, detail.Versions);
        var audit = new Table().AddColumns("when (UTC)", "version", "action", "stage", "alias", "by", "reason");
        foreach (var t in detail.Transitions)
            audit.AddRow(t.At.ToString("yyyy-MM-dd HH:mm:ss"), t.Version.ToString(), t.Action, $"{t.FromStage ?? "-"} → {t.ToStage ?? "-"}",
                t.Alias ?? "", Markup.Escape(t.Actor + (t.GitCommit is null ? "" : $" @ {t.GitCommit[..Math.Min(10, t.GitCommit.Length)]}")), Markup.Escape(t.Reason ?? ""));
        console.Write(audit);
        if (decisions.Count > 0)
        {
            var decided = new Table().AddColumns("version", "run", "step", "type", "outcome", "why");
            foreach (var d in decisions)
                decided.AddRow(d.Version.ToString(), d.RunId, Markup.Escape(d.StepId), d.StepType, d.Outcome, Markup.Escape(d.Detail));
            console.Write(decided);
        }
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
