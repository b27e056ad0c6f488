namespace Pipelines.Steps.Train;

/// <summary>How trials choose parameters: Tree-structured Parzen Estimator, or independent uniform draws.</summary>
public enum TuningSampler { Tpe, Random }
