using System.Text.Json;

namespace Pipelines.Service.Api.Status;

/// <summary>What a person checks first: does the scheduler fire, what fires next, who is champion, what the checks last said.</summary>
public sealed record StatusResponse(SchedulerStatus Scheduler, IReadOnlyList<ModelStatus> Models, DateTimeOffset At);

/// <summary><see cref="Running"/> is false when no scheduler runs in this process (the API alone, or Studio on its own).</summary>
public sealed record SchedulerStatus(bool Running, IReadOnlyList<NextFire> NextFires, IReadOnlyList<string> Paused);

public sealed record NextFire(string Pipeline, string Cron, string TimeZone, DateTimeOffset At);

/// <summary>A model's aliases and its newest drift finding and performance check, when there are any.</summary>
public sealed record ModelStatus(string Name, int? Champion, int? Challenger, LastDriftCheck? LastDrift, LastPerformanceCheck? LastPerformance);

/// <summary>The newest drift finding of a model: the worst severity among the features that check recorded.</summary>
public sealed record LastDriftCheck(DateTime At, string RunId, string Severity, int Features, IReadOnlyList<string> DriftedFeatures);

public sealed record LastPerformanceCheck(DateTime At, string Type, string? RunId, JsonElement Payload);
