using System.Text.Json;

namespace Pipelines.Service.Api.Events;

/// <summary>Events as CloudEvents 1.0 in structured JSON, newest first.</summary>
public sealed record EventListResponse(IReadOnlyList<JsonElement> Items);
