namespace Pipelines.Abstractions;

/// <summary>
/// An input record whose values must agree with each other or lie in a range (thresholds that must not cross, costs
/// that must not be negative). The engine asks while validating a pipeline, so a bad literal is reported at its
/// file:line:column before anything runs; the step asks again at run time, for values only known then.
/// </summary>
public interface ICheckedInputs
{
    /// <summary>Every problem among the current values; empty when they are fine. Must not read artifacts.</summary>
    IEnumerable<InputProblem> Problems();
}

/// <summary>
/// What is wrong with <see cref="Input"/> (by its pipeline name, e.g. short_below). <see cref="RestsOn"/> names the
/// other inputs the judgement reads, so that while validating a problem is skipped when any of them is an
/// expression whose value is only known at run time.
/// </summary>
public sealed record InputProblem(string Input, string Message, params string[] RestsOn)
{
    public StepInputException ToException() => new(Input, Message);
}
