using System.Text.Json;
using Pipelines.Abstractions;
using Pipelines.Engine.Binding;
using Pipelines.Engine.Catalog;
using Pipelines.Engine.Diagnostics;
using Pipelines.Engine.Expressions;
using Pipelines.Engine.Planning;
using Pipelines.Engine.Storage;
using ValueType = Pipelines.Engine.Catalog.ValueType;

namespace Pipelines.Engine.Execution;

/// <summary>
/// Predicts what a run would do without running anything: walks the plan in order, binding each step with
/// the cached outputs of its upstream steps, so a step is shown as cached only if its exact inputs have an
/// earlier result in the store. Anything downstream of a step that will run is shown as running too.
/// </summary>
public static class PlanPreview
{
    public static IReadOnlyList<PlanDecision> Compute(CompiledPipeline pipeline, StepCatalog catalog, PipelineStore? store, RunOptions options)
    {
        var outputs = new Dictionary<string, object>();
        var decisions = new Dictionary<string, PlanDecision>();
        var redactor = new SecretRedactor();
        var resolver = new RunResolver(pipeline.Definition, catalog, pipeline.Parameters, options.Environment, pipeline.WorkspaceRoot,
            id => outputs.GetValueOrDefault(id), redactor, options.Trigger);
        var binder = new ValueBinder(resolver, pipeline.Definition.Templates);
        var result = new List<PlanDecision>();
        foreach (var step in pipeline.Steps)
        {
            PlanDecision Decide(PlanAction action, string reason, string? key = null) =>
                decisions[step.Id] = new PlanDecision(step.Id, step.Descriptor.TypeName, step.Level, step.DependsOn, action, reason, key);

            var running = step.DependsOn.FirstOrDefault(d => decisions[d].Action == PlanAction.Run);
            var skipped = step.DependsOn.FirstOrDefault(d => decisions[d].Action == PlanAction.Skip);
            if (running is not null) result.Add(Decide(PlanAction.Run, $"upstream '{running}' will run"));
            else if (skipped is not null) result.Add(Decide(PlanAction.Skip, $"upstream '{skipped}' will be skipped"));
            else if (step.Definition.If is { } condition && ExpressionEvaluator.Evaluate(condition, resolver.Resolve) is false)
                result.Add(Decide(PlanAction.Skip, $"condition is false: {condition.Text}"));
            else
            {
                var diagnostics = new List<Diagnostic>();
                var inputs = binder.BindObject(step.Definition.With, ValueType.Of(step.Descriptor.InputType), step.Definition.Node.Location, diagnostics);
                if (diagnostics.Count > 0) throw new PipelineValidationException(diagnostics);
                var key = CacheKey.Compute(step.Descriptor, CacheKey.InputsJson(inputs, step.Descriptor.InputType, redactor));
                var cacheable = step.Descriptor.Cacheable && inputs is not IStoreDependentInputs { DependsOnStore: true };
                var hit = options.Force || !cacheable ? null : store?.FindCached(key);
                var restored = hit is null ? null : RecordedOutputs.TryRead(hit.OutputsJson, step.Descriptor.OutputType);
                if (hit is null || restored is null)
                    result.Add(Decide(PlanAction.Run,
                        options.Force ? "--force" : !step.Descriptor.Cacheable ? "always runs (uses the registry)"
                        : !cacheable ? "always runs (reads the store's shadow records)"
                        : hit is null ? "no earlier result for these inputs" : "the earlier result was recorded in an older output format", key));
                else
                {
                    outputs[step.Id] = restored;
                    result.Add(Decide(PlanAction.Cached, $"same inputs as run {hit.CachedFromRun ?? hit.RunId}", key));
                }
            }
        }
        return result;
    }
}
