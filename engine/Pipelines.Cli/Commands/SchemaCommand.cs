using System.CommandLine;
using Pipelines.Engine.Documentation;
using Pipelines.Engine.Schema;

namespace Pipelines.Cli.Commands;

public static class SchemaCommand
{
    public const string StepDocsFile = "docs/steps.md";

    public static Command Create(Func<ParseResult, CliContext> contextFor)
    {
        var check = new Option<bool>("--check") { Description = "Change nothing; list generated files that are stale and exit 1 if any." };
        var command = new Command("schema", "Regenerate schemas/*.schema.json and docs/steps.md from the step types (one source of truth).") { check };
        command.SetAction((parse, _) =>
        {
            var context = contextFor(parse);
            return CommandGuard.RunAsync(context, () =>
            {
                var root = context.Workspace.Root;
                var schemas = Path.Combine(root, "schemas");
                var docs = Path.Combine(root, StepDocsFile);
                var markdown = StepDocs.Markdown(context.Catalog);
                if (parse.GetValue(check))
                {
                    var stale = SchemaFiles.Check(schemas, context.Catalog).ToList();
                    if (!File.Exists(docs) || File.ReadAllText(docs) != markdown) stale.Add(docs);
                    foreach (var file in stale) context.Output.WriteLine($"stale: {Path.GetRelativePath(root, file)}");
                    if (stale.Count > 0) context.Output.WriteLine("run 'pipelines schema' and commit the result");
                    return Task.FromResult(stale.Count == 0 ? ExitCodes.Success : ExitCodes.Failed);
                }
                foreach (var file in SchemaFiles.Write(schemas, context.Catalog))
                    context.Output.WriteLine($"wrote {Path.GetRelativePath(root, file)}");
                Directory.CreateDirectory(Path.GetDirectoryName(docs)!);
                File.WriteAllText(docs, markdown);
                context.Output.WriteLine($"wrote {StepDocsFile}");
                return Task.FromResult(ExitCodes.Success);
            });
        });
        return command;
    }
}
