namespace Pipelines.Abstractions;

/// <summary>Untyped view of a step, used by the engine to run any step type.</summary>
public interface IStep
{
    Type InputType { get; }
    Type OutputType { get; }
    Task<object> ExecuteAsync(object inputs, IStepContext context, CancellationToken cancellationToken);
}
