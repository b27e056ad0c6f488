namespace Pipelines.Steps.Train;

public enum GbdtObjective { Binary, Multiclass, Regression }
