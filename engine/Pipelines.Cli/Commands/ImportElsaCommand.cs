using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pipelines.Engine.Diagnostics;
using Pipelines.Engine.Formatting;
using Pipelines.Engine.Parsing;
using Pipelines.Engine.Planning;
using Pipelines.Engine.Yaml;
using Pipelines.Studio;

namespace Pipelines.Cli.Commands;

public static class ImportElsaCommand
{
    public static Command Create(Func<ParseResult, CliContext> contextFor)
    {
        var file = new Argument<string>("file") { Description = "Elsa 3 workflow definition (JSON) to import." };
        var output = new Option<string?>("--out") { Description = "Pipeline file to write (its comments are kept); standard output when omitted." };
        var command = new Command("import-elsa", "Turn an Elsa 3 workflow definition back into a canonical pipeline file; designer positions go to the .layout sidecar.")
        {
            file, output,
        };
        command.SetAction((parse, _) =>
        {
            var context = contextFor(parse);
            return CommandGuard.RunAsync(context, () =>
            {
                var source = context.ResolveUserPath(parse.GetValue(file)!);
                var definition = ReadDefinition(source, context.Workspace.Settings.Engine.MaxFileBytes);
                var target = parse.GetValue(output) is { } named ? context.ResolveUserPath(named) : null;
                var schema = Path.Combine(context.Workspace.Root, "schemas", "pipeline.schema.json");
                var schemaPath = CanonicalYamlWriter.RelativeSchemaPath(target ?? Path.Combine(context.Workspace.Root, "pipelines", "pipeline.yaml"), schema);
                var original = target is not null && File.Exists(target) ? YamlFileLoader.ReadFileText(target, context.Workspace.Settings.Engine.MaxFileBytes) : null;
                var result = ElsaWorkflowImporter.Import(definition, context.Catalog, original, target ?? source, schemaPath);
                PipelineCompiler.Compile(PipelineParser.ParseText(target ?? source, result.Yaml), context.Catalog, context.Workspace.Root);
                if (target is null)
                {
                    context.Output.Write(result.Yaml);
                    return Task.FromResult(ExitCodes.Success);
                }
                var temporary = target + ".import.tmp";
                File.WriteAllText(temporary, result.Yaml);
                File.Move(temporary, target, overwrite: true);
                DesignerLayout.Write(target, result.Positions, result.DefaultPositions);
                context.Output.WriteLine($"imported {parse.GetValue(file)} to {parse.GetValue(output)}");
                return Task.FromResult(ExitCodes.Success);
            });
        });
        return command;
    }

    private static JsonObject ReadDefinition(string path, int maxBytes)
    {
        var text = YamlFileLoader.ReadFileText(path, maxBytes);
        try
        {
            return JsonNode.Parse(text) as JsonObject
                ?? throw new PipelineValidationException(new Diagnostic(new SourceLocation(path, 1, 1), ElsaWorkflowImporter.ErrorCode, "a workflow definition is a JSON object"));
        }
        catch (JsonException e)
        {
            throw new PipelineValidationException(new Diagnostic(new SourceLocation(path, (int)(e.LineNumber ?? 0) + 1, (int)(e.BytePositionInLine ?? 0) + 1),
                ElsaWorkflowImporter.ErrorCode, $"not valid JSON: {e.Message}"));
        }
    }
}
