namespace Pipelines.Engine.Storage;

/// <summary>One row of <c>runs</c>.</summary>
public sealed record RunRecord(
    string RunId,
    string Pipeline,
    string PipelineFile,
    string PipelineSha256,
    string PipelineText,
    string ParamsJson,
    string? GitCommit,
    bool? GitDirty,
    RunStatus Status,
    DateTime StartedAt,
    DateTime? FinishedAt,
    string? Host,
    int? Pid,
    bool Forced,
    int Resumes,
    string? Error);
