using Pipelines.Abstractions;

namespace Pipelines.Steps.Registry;

[Step("registry/rollback", "Registry", "Roll back model", Cacheable = false,
    Description = "Point an alias (champion by default) back at the version it named before its last promotion; audited.")]
public sealed class RollbackModelStep : Step<RollbackModelInputs, ModelVersionOutputs>
{
    public override Task<ModelVersionOutputs> ExecuteAsync(RollbackModelInputs inputs, IStepContext context, CancellationToken cancellationToken)
    {
        var previous = context.Registry.Find(inputs.Name, inputs.Alias)?.Version ?? 0;
        var restored = context.Registry.Rollback(inputs.Name, inputs.Alias, inputs.Reason);
        context.Log.Information("{Model} {Alias} rolled back from version {Previous} to {Version}", inputs.Name, inputs.Alias, previous, restored.Version);
        return Task.FromResult(new ModelVersionOutputs
        {
            Name = restored.Name, Version = restored.Version, PreviousVersion = previous, Model = restored.Model, Stage = restored.Stage,
        });
    }
}
