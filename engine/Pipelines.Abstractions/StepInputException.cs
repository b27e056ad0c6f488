namespace Pipelines.Abstractions;

/// <summary>
/// Thrown by a step when an input value is unusable for a reason only the step can see (e.g. SQL that does
/// not parse). The engine reports it against the input's location in the pipeline file.
/// </summary>
public sealed class StepInputException(string input, string message) : Exception(message)
{
    public string Input { get; } = input;
}
