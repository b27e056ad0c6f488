using Pipelines.Engine.Expressions;
using Pipelines.Engine.Model;
using Pipelines.Engine.Yaml;

namespace Pipelines.Engine.Planning;

/// <summary>
/// Lists every reference a step makes in its inputs and condition, read from the templates parsed with the
/// file; references imply dependencies.
/// </summary>
public static class StepReferences
{
    public static IEnumerable<(ReferenceExpression Reference, YamlScalar Node)> In(StepDefinition step)
    {
        if (step.If is { } condition)
        {
            var node = condition.Source ?? (YamlScalar)step.Node.Get("if")!;
            foreach (var reference in condition.References) yield return (reference, node);
        }
        foreach (var template in step.InputTemplates)
            foreach (var reference in template.References) yield return (reference, template.Source!);
    }
}
