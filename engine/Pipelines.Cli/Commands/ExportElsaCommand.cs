using System.CommandLine;
using System.Text.Json;
using Pipelines.Engine.Parsing;
using Pipelines.Studio;

namespace Pipelines.Cli.Commands;

public static class ExportElsaCommand
{
    public static Command Create(Func<ParseResult, CliContext> contextFor)
    {
        var file = new Argument<string>("file") { Description = "Pipeline file to export." };
        var output = new Option<string?>("--out") { Description = "Write the workflow definition here instead of to standard output." };
        var command = new Command("export-elsa", "Write a pipeline as an Elsa 3 workflow definition (JSON) for Elsa Studio; positions come from the .layout sidecar or a layered layout.")
        {
            file, output,
        };
        command.SetAction((parse, _) =>
        {
            var context = contextFor(parse);
            return CommandGuard.RunAsync(context, () =>
            {
                var path = context.ResolveUserPath(parse.GetValue(file)!);
                var pipeline = PipelineParser.ParseFile(path, context.Workspace.Settings.Engine.MaxFileBytes);
                var definition = ElsaWorkflowExporter.Export(pipeline, context.Catalog, Path.GetFileNameWithoutExtension(path),
                    DesignerLayout.Read(path), File.GetLastWriteTimeUtc(path));
                var json = definition.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
                if (parse.GetValue(output) is { } target)
                {
                    File.WriteAllText(context.ResolveUserPath(target), json);
                    context.Output.WriteLine($"exported {parse.GetValue(file)} to {target}");
                }
                else context.Output.Write(json);
                return Task.FromResult(ExitCodes.Success);
            });
        });
        return command;
    }
}
