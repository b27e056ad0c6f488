namespace Pipelines.Steps.Train;

/// <summary>How a tuned parameter is drawn: whole numbers, uniform reals, or reals uniform in their logarithm.</summary>
public enum TuningRangeType { Int, Float, Log }
