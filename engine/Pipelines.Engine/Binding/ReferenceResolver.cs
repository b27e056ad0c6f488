using Pipelines.Abstractions;
using Pipelines.Engine.Catalog;
using Pipelines.Engine.Diagnostics;
using Pipelines.Engine.Expressions;
using Pipelines.Engine.Model;

namespace Pipelines.Engine.Binding;

/// <summary>
/// The rules of the four reference roots — <c>params</c>, <c>env</c>, <c>secrets</c>, <c>steps</c> — shared
/// by validation and execution, which differ only in what a step output and a secret resolve to.
/// </summary>
public abstract class ReferenceResolver(
    PipelineDefinition pipeline,
    StepCatalog catalog,
    IReadOnlyDictionary<string, object?> parameters,
    Func<string, string?> environment,
    string workspaceRoot) : IReferenceResolver
{
    protected PipelineDefinition Pipeline { get; } = pipeline;
    protected string WorkspaceRoot { get; } = workspaceRoot;

    public object? Resolve(ReferenceExpression reference)
    {
        var path = reference.Path;
        switch (reference.Root)
        {
            case "params" when path.Count == 2:
                return parameters.TryGetValue(path[1], out var value) ? value
                    : throw Fail(reference, $"unknown parameter '{path[1]}'; declared: {Join(parameters.Keys)}");
            case "env" when path.Count == 2:
                return environment(path[1]);
            case "secrets" when path.Count == 2:
                return Secret(path[1], environment(path[1])) ?? throw new SecretNotSetException(reference.Offset, path[1]);
            case "steps" when path.Count == 4 && path[2] == "outputs":
            {
                var step = Pipeline.FindStep(path[1])
                    ?? throw Fail(reference, $"unknown step '{path[1]}'; steps: {Join(Pipeline.Steps.Select(s => s.Id))}");
                var descriptor = catalog.Find(step.Uses)
                    ?? throw Fail(reference, $"step '{step.Id}' uses an unknown step type");
                var output = descriptor.FindOutput(path[3])
                    ?? throw Fail(reference, $"step '{step.Id}' ({step.Uses}) has no output '{path[3]}'; outputs: {Join(descriptor.Outputs.Select(o => o.Name))}");
                return StepOutput(step, output);
            }
            case "trigger":
                CheckTriggerReference(reference);
                return Trigger(path);
            default:
                throw Fail(reference, $"unknown reference '{reference}'; use params.NAME, env.NAME, secrets.NAME, steps.ID.outputs.NAME or trigger.NAME");
        }
    }

    public WorkspacePath? ResolvePath(string relative, SourceLocation location) =>
        MakePath(relative, WorkspacePaths.Resolve(WorkspaceRoot, relative, location));

    /// <summary>Refuses a <c>trigger.*</c> path no start could ever give a value for.</summary>
    private void CheckTriggerReference(ReferenceExpression reference)
    {
        var path = reference.Path;
        switch (path)
        {
            case [_, "kind" or "scheduled_time"]:
                return;
            case [_, "event", var field]:
                var subscribed = Pipeline.Triggers.Events.Select(e => e.Type).Distinct().ToList();
                if (subscribed.Count == 0)
                    throw Fail(reference, $"'{reference}' reads an event, but the pipeline subscribes to none (on.events)");
                var fields = subscribed.SelectMany(t => t.Fields).Distinct().ToList();
                // A pipeline's own event carries whatever payload its publisher wrote; payload keys are snake_case.
                if (subscribed.Any(t => t.OpenPayload) && System.Text.RegularExpressions.Regex.IsMatch(field, "^[a-z][a-z0-9_]*$")) return;
                if (!fields.Contains(field))
                    throw Fail(reference, $"no event the pipeline subscribes to ({Join(subscribed.Select(t => t.Name))}) has a field '{field}'; fields: {Join(fields)}");
                return;
            default:
                throw Fail(reference, $"unknown trigger reference '{reference}'; use trigger.kind, trigger.scheduled_time or trigger.event.FIELD");
        }
    }

    /// <summary>The value of a checked <c>trigger.*</c> path: <c>trigger.kind</c>, <c>trigger.scheduled_time</c> or <c>trigger.event.FIELD</c>.</summary>
    protected abstract object? Trigger(IReadOnlyList<string> path);

    protected abstract object? StepOutput(StepDefinition step, PropertyDescriptor output);

    /// <summary>Returns what a set secret stands for here, or null when it is not set.</summary>
    protected abstract object? Secret(string name, string? value);

    protected abstract WorkspacePath MakePath(string relative, string fullPath);

    private static ExpressionEvaluationException Fail(ReferenceExpression reference, string message) => new(reference.Offset, message);

    private static string Join(IEnumerable<string> names)
    {
        var list = names.ToList();
        return list.Count == 0 ? "(none)" : string.Join(", ", list);
    }
}
