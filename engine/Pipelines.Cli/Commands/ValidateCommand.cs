using System.CommandLine;
using Pipelines.Engine.Diagnostics;
using Pipelines.Engine.Parsing;
using Pipelines.Engine.Planning;
using Pipelines.Engine.Triggers;

namespace Pipelines.Cli.Commands;

public static class ValidateCommand
{
    public static Command Create(Func<ParseResult, CliContext> contextFor)
    {
        var files = new Argument<string[]>("files") { Description = "Pipeline files to check.", Arity = ArgumentArity.OneOrMore };
        var parameters = GlobalOptions.Params();
        var command = new Command("validate", "Check pipeline files without running them: syntax, step types, inputs, references, cycles.") { files, parameters };
        command.SetAction((parse, _) =>
        {
            var context = contextFor(parse);
            return CommandGuard.RunAsync(context, () =>
            {
                var overrides = GlobalOptions.ParseParams(parse.GetValue(parameters));
                var all = new List<Diagnostic>();
                foreach (var file in parse.GetValue(files)!)
                {
                    try
                    {
                        var definition = PipelineParser.ParseFile(context.ResolveUserPath(file), context.Workspace.Settings.Engine.MaxFileBytes);
                        var compiled = PipelineCompiler.Compile(definition, context.Catalog, context.Workspace.Root, overrides);
                        context.Output.WriteLine($"ok  {file}: {compiled.Steps.Count} steps in {compiled.Steps.Max(s => s.Level) + 1} levels");
                        foreach (var line in TriggerSummary.Describe(definition, TimeProvider.System))
                            context.Output.WriteLine($"    {line}");
                    }
                    catch (PipelineValidationException e)
                    {
                        all.AddRange(e.Diagnostics);
                    }
                }
                if (all.Count > 0) throw new PipelineValidationException(all);
                return Task.FromResult(ExitCodes.Success);
            });
        });
        return command;
    }
}
