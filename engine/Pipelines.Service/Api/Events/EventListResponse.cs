using System.Text.Json;

namespace Pipelines.Service.Api.Events;

/// <summary>
/// The query of <c>GET /api/v1/events</c>: since is an ISO 8601 date-time or a duration back from now (90m, 24h, 7d);
/// pipeline keeps the events of that pipeline's runs.
/// </summary>
public sealed record EventListRequest(string? Type, string? Model, string? Since, string? Limit, string? Pipeline);

/// <summary>Events as CloudEvents 1.0 in structured JSON, newest first.</summary>

public sealed record EventListResponse(IReadOnlyList<JsonElement> Items);
