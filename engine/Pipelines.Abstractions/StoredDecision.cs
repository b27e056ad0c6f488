namespace Pipelines.Abstractions;

/// <summary>One live decision as the store kept it (its feature vector left out: monitoring needs the score).</summary>
/// <param name="TradeId">The trade that triggered the decision.</param>
/// <param name="Time">The trade's time (UTC).</param>
/// <param name="ModelVersion">The registered version that scored it.</param>
/// <param name="Score">The model's output (a probability for a binary model).</param>
public sealed record StoredDecision(long TradeId, DateTime Time, int ModelVersion, double Score);
