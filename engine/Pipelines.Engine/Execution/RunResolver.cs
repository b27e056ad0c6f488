using Pipelines.Abstractions;
using Pipelines.Engine.Binding;
using Pipelines.Engine.Catalog;
using Pipelines.Engine.Expressions;
using Pipelines.Engine.Model;
using Pipelines.Engine.Storage;
using Pipelines.Engine.Triggers;

namespace Pipelines.Engine.Execution;

/// <summary>Resolves references during a run: real step outputs, real secrets (remembered for redaction), hashed source files.</summary>
internal sealed class RunResolver(
    PipelineDefinition pipeline,
    StepCatalog catalog,
    IReadOnlyDictionary<string, object?> parameters,
    Func<string, string?> environment,
    string workspaceRoot,
    Func<string, object?> completedOutputs,
    SecretRedactor redactor,
    TriggerContext trigger) : ReferenceResolver(pipeline, catalog, parameters, environment, workspaceRoot)
{
    protected override object? StepOutput(StepDefinition step, PropertyDescriptor output)
    {
        var outputs = completedOutputs(step.Id)
            ?? throw new ExpressionEvaluationException(0, $"step '{step.Id}' produced no outputs (it was skipped or failed)");
        return RuntimeValue.FromClr(output.Property.GetValue(outputs));
    }

    protected override object? Trigger(IReadOnlyList<string> path) => path switch
    {
        [_, "kind"] => trigger.Kind,
        [_, "scheduled_time"] => trigger.ScheduledTimeText,
        [_, "event", var field] => trigger.EventField(field),
        _ => throw new InvalidOperationException($"unchecked trigger reference '{string.Join('.', path)}'"),
    };

    protected override object? Secret(string name, string? value)
    {
        if (value is not null) redactor.Add(value);
        return value;
    }

    protected override WorkspacePath MakePath(string relative, string fullPath)
    {
        var normalized = Path.GetRelativePath(WorkspaceRoot, fullPath);
        var source = new Artifact(ArtifactStore.HashFile(fullPath), "source", Path.GetExtension(fullPath).TrimStart('.'),
            new FileInfo(fullPath).Length, normalized);
        return new WorkspacePath(normalized, fullPath, source);
    }
}
