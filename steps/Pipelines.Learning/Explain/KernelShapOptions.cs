namespace Pipelines.Learning.Explain;

/// <summary>How Kernel SHAP chooses and weighs its coalitions.</summary>
public sealed record KernelShapOptions
{
    /// <summary>
    /// Coalitions evaluated per explained row at most. When every coalition with some but not all features fits
    /// (2^M − 2 of them), all are enumerated and the values are exact for the background; otherwise this many are
    /// sampled in complementary pairs.
    /// </summary>
    public int MaxCoalitions { get; init; } = 1024;

    /// <summary>Seeds the coalitions drawn and the bootstrap; one seed, one result.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Bootstrap replicates over the sampled pairs behind each reported standard error.</summary>
    public int BootstrapReplicates { get; init; } = 200;

    /// <summary>Rows handed to the model per call.</summary>
    public int BatchRows { get; init; } = 8192;
}
