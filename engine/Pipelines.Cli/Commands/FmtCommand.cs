using System.CommandLine;
using Pipelines.Engine.Formatting;
using Pipelines.Engine.Yaml;

namespace Pipelines.Cli.Commands;

public static class FmtCommand
{
    public static Command Create(Func<ParseResult, CliContext> contextFor)
    {
        var files = new Argument<string[]>("files") { Description = "Pipeline files to format.", Arity = ArgumentArity.OneOrMore };
        var check = new Option<bool>("--check") { Description = "Change nothing; list files not in canonical form and exit 1 if any." };
        var command = new Command("fmt", "Rewrite pipeline files in the one canonical form (key order, quoting, layout), keeping comments, so diffs show only real changes.")
        {
            files, check,
        };
        command.SetAction((parse, _) =>
        {
            var context = contextFor(parse);
            return CommandGuard.RunAsync(context, () =>
            {
                var schema = Path.Combine(context.Workspace.Root, "schemas", "pipeline.schema.json");
                var different = 0;
                foreach (var file in parse.GetValue(files)!)
                {
                    var path = context.ResolveUserPath(file);
                    var text = YamlFileLoader.ReadFileText(path, context.Workspace.Settings.Engine.MaxFileBytes);
                    var formatted = CanonicalYamlWriter.Format(path, text, CanonicalYamlWriter.RelativeSchemaPath(path, schema));
                    if (formatted == text) continue;
                    different++;
                    if (parse.GetValue(check))
                    {
                        context.Output.WriteLine($"not canonical: {file}");
                        continue;
                    }
                    // Write beside and rename, so an interrupted fmt never leaves half a file.
                    var temporary = path + ".fmt.tmp";
                    File.WriteAllText(temporary, formatted);
                    File.Move(temporary, path, overwrite: true);
                    context.Output.WriteLine($"formatted {file}");
                }
                return Task.FromResult(parse.GetValue(check) && different > 0 ? ExitCodes.Failed : ExitCodes.Success);
            });
        });
        return command;
    }
}
