namespace Pipelines.Steps.Validate;

public enum GateSection { Holdout, WalkForward }
