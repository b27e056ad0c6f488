using System.CommandLine;
using Pipelines.Cli.Output;
using Spectre.Console;

namespace Pipelines.Cli.Commands;

public static class StepsCommand
{
    public static Command Create(Func<ParseResult, CliContext> contextFor)
    {
        var command = new Command("steps", "List the step types a pipeline can use.");
        command.SetAction((parse, _) =>
        {
            var context = contextFor(parse);
            return CommandGuard.RunAsync(context, () =>
            {
                var table = new Table().AddColumns("type", "category", "name", "description");
                foreach (var step in context.Catalog.All.OrderBy(s => s.Category).ThenBy(s => s.TypeName))
                    table.AddRow(Markup.Escape(step.TypeName), Markup.Escape(step.Category), Markup.Escape(step.DisplayName), Markup.Escape(step.Description));
                Consoles.For(context.Output).Write(table);
                return Task.FromResult(ExitCodes.Success);
            });
        });
        return command;
    }
}
