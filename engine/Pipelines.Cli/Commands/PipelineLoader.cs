using Pipelines.Engine.Parsing;
using Pipelines.Engine.Planning;

namespace Pipelines.Cli.Commands;

/// <summary>Parses and compiles a pipeline named on the command line, with the workspace's limits.</summary>
public static class PipelineLoader
{
    public static CompiledPipeline Load(CliContext context, string file, IReadOnlyDictionary<string, string> overrides)
    {
        var definition = PipelineParser.ParseFile(context.ResolveUserPath(file), context.Workspace.Settings.Engine.MaxFileBytes);
        return PipelineCompiler.Compile(definition, context.Catalog, context.Workspace.Root, overrides);
    }
}
