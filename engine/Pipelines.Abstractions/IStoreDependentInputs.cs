namespace Pipelines.Abstractions;

/// <summary>
/// Inputs of a cacheable step that, when some option is set, read the store's changing state (e.g. shadow records):
/// the same inputs may then give a different result, so the engine runs the step instead of reusing an earlier result.
/// </summary>
public interface IStoreDependentInputs
{
    bool DependsOnStore { get; }
}
