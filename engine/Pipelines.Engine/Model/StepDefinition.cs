using Pipelines.Engine.Expressions;
using Pipelines.Engine.Yaml;

namespace Pipelines.Engine.Model;

/// <summary>One entry of a pipeline's <c>steps:</c> list, as written (inputs not yet bound).</summary>
public sealed class StepDefinition
{
    public required string Id { get; init; }
    public required YamlScalar IdNode { get; init; }
    public required string Uses { get; init; }
    public required YamlScalar UsesNode { get; init; }
    public required YamlMapping? With { get; init; }
    public required IReadOnlyList<YamlScalar> Needs { get; init; }
    /// <summary>The <c>if:</c> condition, parsed once with the file; its <see cref="Template.Source"/> locates it.</summary>
    public required Template? If { get; init; }
    public required TimeSpan? Timeout { get; init; }
    public required RetryPolicy? Retry { get; init; }
    public required bool ContinueOnError { get; init; }

    /// <summary>
    /// The node label the step needs (<c>runs-on:</c>): in a cluster only a node started with that label runs it. A run in
    /// one process has one node and runs every step.
    /// </summary>
    public string? RunsOn { get; init; }
    public required YamlMapping Node { get; init; }

    private IReadOnlyList<Template>? _inputTemplates;

    /// <summary>
    /// The <c>${{ }}</c> templates inside <see cref="With"/>, in file order, parsed once. The pipeline parser
    /// supplies them; a definition built without them (an editor's probe) parses its inputs on first use and
    /// leaves out what does not parse.
    /// </summary>
    public IReadOnlyList<Template> InputTemplates
    {
        get => _inputTemplates ??= TemplateTable.ParseAll(With, (_, _) => { });
        init => _inputTemplates = value;
    }
}
