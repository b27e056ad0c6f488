using Pipelines.Engine.Expressions;
using Pipelines.Engine.Model;
using Pipelines.Engine.Yaml;

namespace Pipelines.Engine.Planning;

/// <summary>Finds every reference a step makes in its inputs and condition; references imply dependencies.</summary>
public static class StepReferences
{
    public static IEnumerable<(ReferenceExpression Reference, YamlScalar Node)> In(StepDefinition step)
    {
        if (step.If is not null)
            foreach (var reference in step.If.Expressions.SelectMany(Walk))
                yield return (reference, (YamlScalar)step.Node.Get("if")!);
        if (step.With is null) yield break;
        foreach (var found in InNode(step.With)) yield return found;
    }

    private static IEnumerable<(ReferenceExpression, YamlScalar)> InNode(YamlNode node)
    {
        switch (node)
        {
            case YamlScalar scalar when Template.ContainsExpression(scalar.Value):
                Template? template;
                try { template = Template.Parse(scalar.Value); }
                catch (ExpressionSyntaxException) { yield break; }
                foreach (var reference in template!.Expressions.SelectMany(Walk)) yield return (reference, scalar);
                break;
            case YamlSequence sequence:
                foreach (var found in sequence.Items.SelectMany(InNode)) yield return found;
                break;
            case YamlMapping mapping:
                foreach (var found in mapping.Entries.SelectMany(e => InNode(e.Value))) yield return found;
                break;
        }
    }

    private static IEnumerable<ReferenceExpression> Walk(Expression expression) => expression switch
    {
        ReferenceExpression r => [r],
        NotExpression n => Walk(n.Operand),
        BinaryExpression b => Walk(b.Left).Concat(Walk(b.Right)),
        _ => [],
    };
}
