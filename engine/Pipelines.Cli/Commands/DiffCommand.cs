using System.CommandLine;
using Pipelines.Engine.Diagnostics;
using Pipelines.Engine.Formatting;
using Pipelines.Engine.Parsing;
using Pipelines.Engine.Planning;

namespace Pipelines.Cli.Commands;

public static class DiffCommand
{
    public static Command Create(Func<ParseResult, CliContext> contextFor)
    {
        var before = new Argument<string>("old") { Description = "The pipeline file before the change." };
        var after = new Argument<string>("new") { Description = "The pipeline file after the change." };
        var command = new Command("diff", "Explain a change to a pipeline step by step, in Markdown for a pull request, including what the next run will recompute.")
        {
            before, after,
        };
        command.SetAction((parse, _) =>
        {
            var context = contextFor(parse);
            return CommandGuard.RunAsync(context, () =>
            {
                var limit = context.Workspace.Settings.Engine.MaxFileBytes;
                var old = PipelineParser.ParseFile(context.ResolveUserPath(parse.GetValue(before)!), limit);
                var @new = PipelineParser.ParseFile(context.ResolveUserPath(parse.GetValue(after)!), limit);
                // The new file is compiled when it can be, for exact dependencies; a broken new file is still explained.
                CompiledPipeline? compiled = null;
                try { compiled = PipelineCompiler.Compile(@new, context.Catalog, context.Workspace.Root); }
                catch (PipelineValidationException) { }
                context.Output.Write(PipelineDiff.Explain(old, @new, compiled));
                return Task.FromResult(ExitCodes.Success);
            });
        });
        return command;
    }
}
