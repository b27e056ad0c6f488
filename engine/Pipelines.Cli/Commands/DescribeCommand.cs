using System.CommandLine;
using Pipelines.Engine.Documentation;

namespace Pipelines.Cli.Commands;

public static class DescribeCommand
{
    public static Command Create(Func<ParseResult, CliContext> contextFor)
    {
        var type = new Argument<string>("type") { Description = "Step type, e.g. transform/sql." };
        var command = new Command("describe", "Document one step type: what it does, its inputs with types and defaults, its outputs, an example.") { type };
        command.SetAction((parse, _) =>
        {
            var context = contextFor(parse);
            return CommandGuard.RunAsync(context, () =>
            {
                var name = parse.GetValue(type)!;
                var descriptor = context.Catalog.Find(name);
                if (descriptor is null)
                {
                    var suggestions = context.Catalog.Suggest(name).ToList();
                    throw new ArgumentException($"unknown step type '{name}'" +
                        (suggestions.Count > 0 ? $"; did you mean {string.Join(" or ", suggestions)}?" : "; run 'pipelines steps' for the catalogue"));
                }
                context.Output.Write(StepDocs.Describe(descriptor));
                return Task.FromResult(ExitCodes.Success);
            });
        });
        return command;
    }
}
