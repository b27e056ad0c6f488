namespace Pipelines.Service.Api.Shadow;

/// <summary>
/// One champion/challenger pairing of one model, summarised over its shadow records: how many decisions both saw,
/// how many have an outcome yet, each side's mean absolute error against those outcomes (null before any outcome),
/// and how often the challenger would have decided differently.
/// </summary>
public sealed record ShadowPairing(
    string Model, int ChampionVersion, int ChallengerVersion, long Pairs, long WithOutcome,
    double? ChampionMeanAbsoluteError, double? ChallengerMeanAbsoluteError, long ChallengerDecides, long Runs,
    DateTime FirstRecordedAt, DateTime LastRecordedAt);

/// <summary>The query of <c>GET /api/v1/shadow/summary</c>.</summary>
public sealed record ShadowSummaryRequest(string? Model, string? Days);

public sealed record ShadowSummaryResponse(int Days, IReadOnlyList<ShadowPairing> Items);
