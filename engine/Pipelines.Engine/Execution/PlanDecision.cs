namespace Pipelines.Engine.Execution;

/// <summary>What <c>pipelines plan</c> predicts for a step, and why.</summary>
public sealed record PlanDecision(string StepId, string Uses, int Level, IReadOnlyList<string> DependsOn, PlanAction Action, string Reason, string? CacheKey);

public enum PlanAction { Run, Cached, Skip }
