namespace Pipelines.Learning.Data;

/// <summary>Which label the synthetic generator derives from its latent score.</summary>
public enum SyntheticTask
{
    Binary,
    Regression,
    Multiclass,
}
