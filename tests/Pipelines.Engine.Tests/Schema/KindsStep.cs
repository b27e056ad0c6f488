using Pipelines.Abstractions;

namespace Pipelines.Engine.Tests.Schema;

/// <summary>A step type whose inputs use every kind of value, so schema and docs generation see them all.</summary>
[Step("test/kinds", "Testing", "Every kind", Description = "Takes one input of each kind.", Version = 3)]
public sealed class KindsStep : Step<KindsInputs, KindsOutputs>
{
    public override Task<KindsOutputs> ExecuteAsync(KindsInputs inputs, IStepContext context, CancellationToken cancellationToken) =>
        Task.FromResult(new KindsOutputs { Table = inputs.Table, Count = inputs.Count });
}
