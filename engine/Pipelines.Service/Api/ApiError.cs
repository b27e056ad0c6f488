namespace Pipelines.Service.Api;

/// <summary>A refused request: what is wrong, and for a pipeline that does not validate each located error.</summary>
public sealed record ApiError(string Error, IReadOnlyList<string>? Errors = null);
