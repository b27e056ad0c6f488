using Pipelines.Engine.Yaml;

namespace Pipelines.Engine.Expressions;

/// <summary>
/// The templates parsed from a pipeline file, found by the scalar they were written in, so binding reuses the
/// parse-time tree instead of parsing the text again for every step of every run.
/// </summary>
public sealed class TemplateTable
{
    public static readonly TemplateTable Empty = new([]);

    // Scalars are compared by identity: two equal texts at different places are different templates.
    private readonly Dictionary<YamlScalar, Template> _bySource = new(ReferenceEqualityComparer.Instance);

    public TemplateTable(IEnumerable<Template> templates)
    {
        foreach (var template in templates)
            _bySource[template.Source ?? throw new ArgumentException("a table holds templates read from a file", nameof(templates))] = template;
    }

    public int Count => _bySource.Count;

    public Template? Find(YamlScalar scalar) => _bySource.GetValueOrDefault(scalar);

    /// <summary>
    /// Parses every template inside <paramref name="node"/> in file order; a malformed one is passed to
    /// <paramref name="onSyntaxError"/> and left out.
    /// </summary>
    public static List<Template> ParseAll(YamlNode? node, Action<YamlScalar, ExpressionSyntaxException> onSyntaxError)
    {
        var found = new List<Template>();
        Collect(node, found, onSyntaxError);
        return found;
    }

    private static void Collect(YamlNode? node, List<Template> found, Action<YamlScalar, ExpressionSyntaxException> onSyntaxError)
    {
        switch (node)
        {
            case YamlScalar scalar when Template.ContainsExpression(scalar.Value):
                try { found.Add(Template.Parse(scalar)!); }
                catch (ExpressionSyntaxException e) { onSyntaxError(scalar, e); }
                break;
            case YamlSequence sequence:
                foreach (var item in sequence.Items) Collect(item, found, onSyntaxError);
                break;
            case YamlMapping mapping:
                foreach (var (_, value) in mapping.Entries) Collect(value, found, onSyntaxError);
                break;
        }
    }
}
