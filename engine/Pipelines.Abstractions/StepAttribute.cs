namespace Pipelines.Abstractions;

/// <summary>
/// Marks a class as a step type of the catalogue, the way Elsa marks an activity: the type name is what a
/// pipeline file writes after <c>uses:</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class StepAttribute(string typeName, string category, string displayName) : Attribute
{
    public string TypeName { get; } = typeName;
    public string Category { get; } = category;
    public string DisplayName { get; } = displayName;
    public string Description { get; init; } = "";

    /// <summary>Bumped when a change to the step alters what it produces, so cached results are not reused.</summary>
    public int Version { get; init; } = 1;

    /// <summary>
    /// False for steps whose effect or result depends on more than their inputs — they change the registry,
    /// or read it — so an earlier result must never stand in for running them.
    /// </summary>
    public bool Cacheable { get; init; } = true;

    /// <summary>
    /// True for steps that run as long as their own inputs say (a recorder told to run for hours, or until the
    /// service stops): the engine's default step timeout does not cut them; a <c>timeout:</c> in the pipeline still does.
    /// </summary>
    public bool LongRunning { get; init; }
}
