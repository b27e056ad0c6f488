namespace Pipelines.Service.Observability;

/// <summary><c>/healthz</c>'s answer: "ok" with the store's schema version, or "unavailable" with why.</summary>
public sealed record HealthResponse(string Status, int? SchemaVersion, string? Error);
