using Pipelines.Engine.Storage;

namespace Pipelines.Engine.Execution;

/// <summary>How a run ended, with each step's final status.</summary>
public sealed record RunResult(string RunId, RunStatus Status, IReadOnlyDictionary<string, StepStatus> Steps, string? Error);
