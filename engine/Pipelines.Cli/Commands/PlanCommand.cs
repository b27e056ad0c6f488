using System.CommandLine;
using Pipelines.Cli.Output;
using Pipelines.Engine.Execution;
using Pipelines.Engine.Triggers;
using Spectre.Console;

namespace Pipelines.Cli.Commands;

public static class PlanCommand
{
    public static Command Create(Func<ParseResult, CliContext> contextFor)
    {
        var file = new Argument<string>("file") { Description = "Pipeline file." };
        var parameters = GlobalOptions.Params();
        var force = new Option<bool>("--force") { Description = "Plan as if every step were forced to rerun." };
        var command = new Command("plan", "Show what a run would do: the steps by level, which would run and which are cached, and why.") { file, parameters, force };
        command.SetAction((parse, _) =>
        {
            var context = contextFor(parse);
            return CommandGuard.RunAsync(context, () =>
            {
                var pipeline = PipelineLoader.Load(context, parse.GetValue(file)!, GlobalOptions.ParseParams(parse.GetValue(parameters)));
                var options = new RunOptions { Force = parse.GetValue(force) };
                IReadOnlyList<PlanDecision> decisions;
                if (context.StoreExists)
                {
                    using var store = context.OpenStore();
                    decisions = PlanPreview.Compute(pipeline, context.Catalog, store, options);
                }
                else decisions = PlanPreview.Compute(pipeline, context.Catalog, null, options);

                var console = Consoles.For(context.Output);
                var table = new Table().AddColumns("level", "step", "uses", "needs", "action", "why");
                foreach (var d in decisions)
                    table.AddRow(d.Level.ToString(), Markup.Escape(d.StepId), Markup.Escape(d.Uses), Markup.Escape(string.Join(", ", d.DependsOn)),
                        d.Action switch { PlanAction.Run => "[yellow]run[/]", PlanAction.Cached => "[blue]cached[/]", _ => "[grey]skip[/]" },
                        Markup.Escape(d.Reason));
                console.Write(table);
                console.WriteLine($"{decisions.Count(d => d.Action == PlanAction.Run)} to run, {decisions.Count(d => d.Action == PlanAction.Cached)} cached, {decisions.Count(d => d.Action == PlanAction.Skip)} skipped");
                foreach (var line in TriggerSummary.Describe(pipeline.Definition, TimeProvider.System))
                    console.WriteLine(line);
                return Task.FromResult(ExitCodes.Success);
            });
        });
        return command;
    }
}
