using Pipelines.Engine.Binding;
using Pipelines.Engine.Catalog;
using Pipelines.Engine.Diagnostics;
using Pipelines.Engine.Expressions;
using Pipelines.Engine.Model;
using Pipelines.Engine.Yaml;
using ValueType = Pipelines.Engine.Catalog.ValueType;

namespace Pipelines.Engine.Planning;

/// <summary>
/// Checks a parsed pipeline against the catalogue and plans it: unknown step types, dangling references,
/// cycles, wrong input types, missing inputs, unset secrets and paths outside the workspace are all found
/// here, before anything runs, and reported together.
/// </summary>
public static class PipelineCompiler
{
    public static CompiledPipeline Compile(
        PipelineDefinition definition,
        StepCatalog catalog,
        string workspaceRoot,
        IReadOnlyDictionary<string, string>? parameterOverrides = null,
        Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var diagnostics = new List<Diagnostic>();
        var parameters = ResolveParameters(definition, parameterOverrides ?? new Dictionary<string, string>(), diagnostics);

        var descriptors = new Dictionary<string, StepDescriptor>();
        foreach (var step in definition.Steps)
        {
            var descriptor = catalog.Find(step.Uses);
            if (descriptor is null)
            {
                var suggestions = catalog.Suggest(step.Uses).ToList();
                diagnostics.Add(new Diagnostic(step.UsesNode.Location, DiagnosticCodes.UnknownStepType,
                    $"unknown step type '{step.Uses}'" + (suggestions.Count > 0 ? $"; did you mean {string.Join(" or ", suggestions.Select(s => $"'{s}'"))}?" : "; run 'pipelines steps' for the catalogue"),
                    step.Uses));
            }
            else descriptors[step.Id] = descriptor;
        }

        var dependencies = definition.Steps.ToDictionary(s => s.Id, s => CollectDependencies(s, definition, diagnostics));
        var order = TopologicalOrder(definition, dependencies, diagnostics);

        var resolver = new ValidationResolver(definition, catalog, parameters, environment, workspaceRoot);
        var binder = new ValueBinder(resolver, definition.Templates);
        foreach (var step in definition.Steps)
        {
            if (!descriptors.TryGetValue(step.Id, out var descriptor)) continue;
            binder.BindObject(step.With, ValueType.Of(descriptor.InputType), step.Node.Location, diagnostics);
            if (step.If is not null) CheckCondition(step, resolver, diagnostics);
        }

        if (diagnostics.Count > 0)
            throw new PipelineValidationException(diagnostics.DistinctBy(d => (d.Location, d.Message)).OrderBy(d => d.Location.Line).ThenBy(d => d.Location.Column).ToList());

        var levels = new Dictionary<string, int>();
        var planned = new List<PlannedStep>();
        foreach (var id in order!)
        {
            var level = dependencies[id].Count == 0 ? 0 : dependencies[id].Max(d => levels[d]) + 1;
            levels[id] = level;
            planned.Add(new PlannedStep
            {
                Definition = definition.FindStep(id)!,
                Descriptor = descriptors[id],
                DependsOn = dependencies[id].ToList(),
                Level = level,
            });
        }
        return new CompiledPipeline { Definition = definition, Steps = planned, Parameters = parameters, WorkspaceRoot = workspaceRoot };
    }

    /// <summary>Parameter values: declared defaults, replaced by overrides given on the command line.</summary>
    private static Dictionary<string, object?> ResolveParameters(PipelineDefinition definition, IReadOnlyDictionary<string, string> overrides, List<Diagnostic> diagnostics)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in definition.Params) result[key.Value] = LiteralValue.From(value);
        foreach (var (name, text) in overrides)
        {
            if (!result.ContainsKey(name))
            {
                diagnostics.Add(new Diagnostic(new SourceLocation(definition.File, 1, 1), DiagnosticCodes.UnknownReference,
                    $"--param {name}: the pipeline declares no parameter '{name}'; declared: {string.Join(", ", result.Keys)}", name));
                continue;
            }
            if (!definition.Triggers.Manual.Allows(name))
            {
                diagnostics.Add(new Diagnostic(definition.Triggers.Manual.Location ?? new SourceLocation(definition.File, 1, 1), DiagnosticCodes.UnknownReference,
                    $"--param {name}: a manual start may set {(definition.Triggers.Manual.Params!.Count == 0 ? "no params" : "only " + string.Join(", ", definition.Triggers.Manual.Params!))} ('on.manual.params')", name));
                continue;
            }
            result[name] = LiteralValue.From(new YamlScalar(new SourceLocation("--param", 1, 1), text, isQuoted: false));
        }
        return result;
    }

    private static HashSet<string> CollectDependencies(StepDefinition step, PipelineDefinition definition, List<Diagnostic> diagnostics)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        foreach (var need in step.Needs)
        {
            if (need.Value == step.Id)
                diagnostics.Add(new Diagnostic(need.Location, DiagnosticCodes.Cycle, $"step '{step.Id}' needs itself", need.Value));
            else if (definition.FindStep(need.Value) is null)
                diagnostics.Add(new Diagnostic(need.Location, DiagnosticCodes.UnknownReference,
                    $"'needs' names unknown step '{need.Value}'; steps: {string.Join(", ", definition.Steps.Select(s => s.Id))}", need.Value));
            else result.Add(need.Value);
        }
        foreach (var (reference, _) in StepReferences.In(step))
        {
            if (reference.Path is ["steps", var target, ..] && target != step.Id && definition.FindStep(target) is not null)
                result.Add(target);
        }
        return result;
    }

    private static List<string>? TopologicalOrder(PipelineDefinition definition, Dictionary<string, HashSet<string>> dependencies, List<Diagnostic> diagnostics)
    {
        // Depth-first search keeps the path so a cycle can be named in full: a -> b -> c -> a.
        var state = new Dictionary<string, int>(); // 1 visiting, 2 done
        var order = new List<string>();
        var path = new List<string>();
        var reported = false;

        bool Visit(string id)
        {
            if (state.GetValueOrDefault(id) == 2) return true;
            if (state.GetValueOrDefault(id) == 1)
            {
                if (!reported)
                {
                    var cycle = path.Skip(path.IndexOf(id)).Append(id).ToList();
                    var at = definition.FindStep(id)!;
                    diagnostics.Add(new Diagnostic(at.IdNode.Location, DiagnosticCodes.Cycle,
                        $"dependency cycle: {string.Join(" -> ", cycle)}", id));
                    reported = true;
                }
                return false;
            }
            state[id] = 1;
            path.Add(id);
            foreach (var dependency in dependencies[id].Order(StringComparer.Ordinal))
                if (!Visit(dependency)) return false;
            path.RemoveAt(path.Count - 1);
            state[id] = 2;
            order.Add(id);
            return true;
        }

        foreach (var step in definition.Steps)
            if (!Visit(step.Id)) return null;
        return order;
    }

    private static void CheckCondition(StepDefinition step, IReferenceResolver resolver, List<Diagnostic> diagnostics)
    {
        var ifNode = step.If!.Source ?? (YamlScalar)step.Node.Get("if")!;
        try
        {
            var value = ExpressionEvaluator.Evaluate(step.If!, resolver.Resolve);
            if (value is not bool && !(value is Placeholder { Kind: ValueKind.Boolean }))
                diagnostics.Add(new Diagnostic(ifNode.Location, DiagnosticCodes.WrongType,
                    $"'if' must give true or false, but gives {ExpressionEvaluator.Describe(value)}", ifNode.Value));
        }
        catch (ExpressionEvaluationException e)
        {
            var location = step.If!.Source is null ? ExpressionLocation.At(ifNode, e.Offset) : step.If.LocationOf(e.Offset);
            diagnostics.Add(new Diagnostic(location, DiagnosticCodes.UnknownReference, e.Message, ifNode.Value));
        }
    }
}
