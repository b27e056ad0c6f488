using Pipelines.Abstractions;

namespace Pipelines.Steps.Registry;

[Step("registry/promote", "Registry", "Promote model", Cacheable = false,
    Description = "Point an alias (champion by default) at a registered version, atomically: the previous champion is retired and the change is audited with this run and commit.")]
public sealed class PromoteModelStep : Step<PromoteModelInputs, ModelVersionOutputs>
{
    public override Task<ModelVersionOutputs> ExecuteAsync(PromoteModelInputs inputs, IStepContext context, CancellationToken cancellationToken)
    {
        var version = (inputs.Version, inputs.Model) switch
        {
            ({ } number, null) => number,
            (null, { } model) => context.Registry.Versions(inputs.Name).LastOrDefault(v => v.Model.Sha256 == model.Sha256)?.Version
                ?? throw new StepInputException("model", $"artifact {model.ShortId} is not a registered version of '{inputs.Name}'"),
            _ => throw new StepInputException("version", "give exactly one of version or model"),
        };
        var previous = context.Registry.Find(inputs.Name, inputs.Alias)?.Version ?? 0;
        var promoted = context.Registry.Promote(inputs.Name, version, inputs.Alias, inputs.Reason);
        context.Log.Information("{Model} {Alias} is now version {Version} (was {Previous})", inputs.Name, inputs.Alias, promoted.Version, previous);
        return Task.FromResult(new ModelVersionOutputs
        {
            Name = promoted.Name, Version = promoted.Version, PreviousVersion = previous, Model = promoted.Model, Stage = promoted.Stage,
        });
    }
}
