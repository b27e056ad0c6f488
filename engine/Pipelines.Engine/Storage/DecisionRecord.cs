using System.Data.Common;

namespace Pipelines.Engine.Storage;

/// <summary>One stored decision with its feature vector, as a step wrote it (in either kind of store).</summary>
public sealed record DecisionRecord(long TradeId, DateTime Time, string Model, int ModelVersion, double? Score, IReadOnlyList<double> Features)
{
    internal static DecisionRecord Of(DbDataReader row) => new(
        row.Integer("trade_id"), row.Time("time"), row.Text("model"), (int)row.Integer("model_version"), row.RealOrNull("score"),
        ((System.Collections.IEnumerable)row.GetValue(row.GetOrdinal("features"))).Cast<object>().Select(Convert.ToDouble).ToArray());

    /// <summary>Same decision, same values: records compare their feature vectors by content.</summary>
    public bool Equals(DecisionRecord? other) =>
        other is not null && (TradeId, Time, Model, ModelVersion, Score) == (other.TradeId, other.Time, other.Model, other.ModelVersion, other.Score) &&
        Features.SequenceEqual(other.Features);

    public override int GetHashCode() => HashCode.Combine(TradeId, Time, Model, ModelVersion, Score);
}
