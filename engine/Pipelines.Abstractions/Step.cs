namespace Pipelines.Abstractions;

/// <summary>
/// Base class for a step type: typed input and output records, one <see cref="ExecuteAsync"/>. The class
/// carries a <see cref="StepAttribute"/>; the records' properties carry <see cref="InputAttribute"/> and
/// <see cref="OutputAttribute"/>. Instances are created per execution and must not keep state between runs.
/// </summary>
public abstract class Step<TInputs, TOutputs> : IStep
    where TInputs : class
    where TOutputs : class
{
    public Type InputType => typeof(TInputs);
    public Type OutputType => typeof(TOutputs);

    public abstract Task<TOutputs> ExecuteAsync(TInputs inputs, IStepContext context, CancellationToken cancellationToken);

    async Task<object> IStep.ExecuteAsync(object inputs, IStepContext context, CancellationToken cancellationToken) =>
        await ExecuteAsync((TInputs)inputs, context, cancellationToken).ConfigureAwait(false);
}
