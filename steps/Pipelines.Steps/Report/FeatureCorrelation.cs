namespace Pipelines.Steps.Report;

/// <summary>One feature's correlation with forward returns over one group of rows ("all" for every row).</summary>
internal sealed record FeatureCorrelation(string Feature, string Group, int Rows, double Pearson, double Spearman);
