using Pipelines.Abstractions;

namespace Pipelines.Steps.Registry;

[Step("registry/register", "Registry", "Register model", Cacheable = false,
    Description = "Register a model artifact as a new version (stage staged) with its metrics and training-data hash; old unaliased versions beyond registry.max_versions are pruned.")]
public sealed class RegisterModelStep : Step<RegisterModelInputs, ModelVersionOutputs>
{
    public override Task<ModelVersionOutputs> ExecuteAsync(RegisterModelInputs inputs, IStepContext context, CancellationToken cancellationToken)
    {
        context.OpenArtifact(inputs.Model);
        string? metrics = inputs.Metrics is null ? null : File.ReadAllText(context.OpenArtifact(inputs.Metrics));
        var version = context.Registry.Register(inputs.Name, inputs.Model, metrics, inputs.TrainingData?.Sha256, inputs.Reason);
        context.Log.Information("Registered {Model} version {Version}", version.Name, version.Version);
        return Task.FromResult(new ModelVersionOutputs
        {
            Name = version.Name, Version = version.Version, PreviousVersion = 0, Model = version.Model, Stage = version.Stage,
        });
    }
}
