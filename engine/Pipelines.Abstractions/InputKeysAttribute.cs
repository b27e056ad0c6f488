namespace Pipelines.Abstractions;

/// <summary>
/// Puts a check on the keys of a map input (e.g. parameter names handed to a library), run when the pipeline is
/// validated: a key the check refuses is reported at its own file:line:column before any step runs.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class InputKeysAttribute(Type check) : Attribute
{
    /// <summary>A type implementing <see cref="IInputKeyCheck"/> with a parameterless constructor.</summary>
    public Type Check { get; } = check;
}
