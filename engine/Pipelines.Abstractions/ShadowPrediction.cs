namespace Pipelines.Abstractions;

/// <summary>One replayed decision seen by both models, with the outcome that followed.</summary>
public sealed record ShadowPrediction(long Row, double Champion, double Challenger, double? Outcome, bool ChallengerDecides);
