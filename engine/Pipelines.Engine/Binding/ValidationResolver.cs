using Pipelines.Abstractions;
using Pipelines.Engine.Catalog;
using Pipelines.Engine.Expressions;
using Pipelines.Engine.Model;

namespace Pipelines.Engine.Binding;

/// <summary>Resolves references before a run: step outputs and secrets become typed placeholders.</summary>
public sealed class ValidationResolver(
    PipelineDefinition pipeline,
    StepCatalog catalog,
    IReadOnlyDictionary<string, object?> parameters,
    Func<string, string?> environment,
    string workspaceRoot) : ReferenceResolver(pipeline, catalog, parameters, environment, workspaceRoot)
{
    protected override object? StepOutput(StepDefinition step, PropertyDescriptor output) =>
        new Placeholder(output.Type, $"steps.{step.Id}.outputs.{output.Name}");

    protected override object? Trigger(IReadOnlyList<string> path) => Placeholder.Text(string.Join('.', path));

    protected override object? Secret(string name, string? value) => value is null ? null : Placeholder.Text($"secrets.{name}");

    protected override WorkspacePath MakePath(string relative, string fullPath) =>
        new(relative, fullPath, new Artifact("", "source", Path.GetExtension(fullPath).TrimStart('.'), new FileInfo(fullPath).Length, relative));
}
