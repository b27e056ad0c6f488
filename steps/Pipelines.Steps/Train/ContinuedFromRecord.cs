namespace Pipelines.Steps.Train;

/// <summary>
/// The registered version a GBDT continued from (train/gbdt's continue_from), as metrics.json records it under
/// "continued_from"; the registry reads model and version from there as the new version's parent.
/// </summary>
public sealed record ContinuedFromRecord
{
    public required string Model { get; init; }

    public required int Version { get; init; }

    public required string ModelSha256 { get; init; }

    /// <summary>Boosting iterations of the parent, which are the first iterations of the continued model.</summary>
    public required int ParentIterations { get; init; }
}
