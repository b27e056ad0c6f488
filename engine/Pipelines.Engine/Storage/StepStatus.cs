namespace Pipelines.Engine.Storage;

/// <summary>What became of a step in a run. <see cref="Cached"/> means an earlier identical result was reused.</summary>
public enum StepStatus { Pending, Running, Succeeded, Cached, Failed, Skipped, Cancelled }
