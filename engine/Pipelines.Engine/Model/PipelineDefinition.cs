using Pipelines.Engine.Expressions;
using Pipelines.Engine.Triggers;
using Pipelines.Engine.Yaml;

namespace Pipelines.Engine.Model;

/// <summary>A parsed pipeline file: structure checked, step types and references not yet.</summary>
public sealed class PipelineDefinition
{
    public required string File { get; init; }
    public required string Name { get; init; }
    public required string? Description { get; init; }

    /// <summary>Declared parameters and their default values, in file order.</summary>
    public required IReadOnlyList<KeyValuePair<YamlScalar, YamlNode>> Params { get; init; }

    /// <summary>The <c>on:</c> section: schedules, event subscriptions and what a manual start may set.</summary>
    public PipelineTriggers Triggers { get; init; } = PipelineTriggers.None;

    /// <summary>What a start does while another run of this pipeline is going; <c>allow</c> when absent.</summary>
    public ConcurrencyPolicy Concurrency { get; init; } = ConcurrencyPolicy.Allow;

    public required IReadOnlyList<StepDefinition> Steps { get; init; }
    public required YamlMapping Root { get; init; }

    /// <summary>The exact text the definition was read from; stored with each run so resume sees the same pipeline.</summary>
    public required string SourceText { get; init; }

    private Dictionary<string, StepDefinition>? _byId;
    private TemplateTable? _templates;

    /// <summary>Every step input template, found by the scalar it is written in; binding looks templates up here.</summary>
    public TemplateTable Templates => _templates ??= new TemplateTable(Steps.SelectMany(s => s.InputTemplates));

    public StepDefinition? FindStep(string id)
    {
        // Built on first use: large generated pipelines look steps up by id many times while compiling.
        _byId ??= Steps.DistinctBy(s => s.Id).ToDictionary(s => s.Id, StringComparer.Ordinal);
        return _byId.GetValueOrDefault(id);
    }
}
