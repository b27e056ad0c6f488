namespace Pipelines.Abstractions;

/// <summary>
/// One recorded shadow decision with its outcome, and where its row lives: row <see cref="Row"/> of the table artifact
/// <see cref="DataSha256"/> that the shadow comparison replayed.
/// </summary>
/// <param name="Champion">What the champion predicted: a probability (binary), a class index (multiclass) or a value (regression).</param>
/// <param name="Outcome">What happened: a class index, or a value.</param>
public sealed record ShadowOutcome(string RunId, string StepId, string DataSha256, long Row, int ChampionVersion, double Champion, double Outcome, DateTime RecordedAt);
