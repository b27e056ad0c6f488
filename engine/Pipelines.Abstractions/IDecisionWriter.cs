namespace Pipelines.Abstractions;

/// <summary>
/// Appends decisions in batches: rows are buffered by <see cref="Append"/> and written whole, a batch per transaction;
/// every row appended is in the store once <see cref="Commit"/> returns (the store may write full batches earlier),
/// and disposing writes the complete rows still buffered.
/// </summary>
public interface IDecisionWriter : IDisposable
{
    /// <param name="tradeId">The trade that triggered the decision.</param>
    /// <param name="timeMicros">The trade's time, UTC microseconds since the Unix epoch.</param>
    /// <param name="modelVersion">The registered version that scored it.</param>
    /// <param name="score">The model's output (a probability for a binary model).</param>
    /// <param name="features">The feature vector scored, in the order given when the writer was opened.</param>
    void Append(long tradeId, long timeMicros, int modelVersion, double score, ReadOnlySpan<double> features);

    /// <summary>Writes every row appended so far.</summary>
    void Commit();
}
