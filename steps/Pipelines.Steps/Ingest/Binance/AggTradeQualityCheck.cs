namespace Pipelines.Steps.Ingest.Binance;

/// <summary>
/// Turns aggregate trades as read into the table's rows: rejects unusable trades, drops repeated ids (keeping the
/// first seen), sorts by time then id, and reports gaps in the id sequence, which Binance numbers without holes.
/// </summary>
public static class AggTradeQualityCheck
{
    public static AggTrade[] Clean(IReadOnlyList<AggTrade> rows, string source, string? sourceTimeUnit, int gapsListed, out DataQualityReport report)
    {
        long nan = 0, nonPositive = 0, badQuantity = 0;
        var ids = new long[rows.Count];
        var order = new int[rows.Count];
        var valid = 0;
        for (var i = 0; i < rows.Count; i++)
        {
            var t = rows[i];
            if (!double.IsFinite(t.Price) || !double.IsFinite(t.Quantity)) nan++;
            else if (t.Price <= 0) nonPositive++;
            else if (t.Quantity <= 0) badQuantity++;
            else
            {
                ids[valid] = t.Id;
                order[valid++] = i;
            }
        }

        Array.Sort(ids, order, 0, valid);
        var kept = new List<AggTrade>(valid);
        var gaps = new List<QualityGap>();
        long gapCount = 0, missingTotal = 0;
        for (var start = 0; start < valid;)
        {
            var end = start + 1;
            var first = order[start];
            while (end < valid && ids[end] == ids[start]) first = Math.Min(first, order[end++]);
            var trade = rows[first];
            if (kept.Count > 0 && trade.Id > kept[^1].Id + 1)
            {
                var previous = kept[^1];
                var missing = trade.Id - previous.Id - 1;
                gapCount++;
                missingTotal += missing;
                if (gaps.Count < gapsListed)
                    gaps.Add(new QualityGap(EpochTime.Format(previous.TimeMicros), EpochTime.Format(trade.TimeMicros), previous.Id + 1, trade.Id - 1, missing));
            }
            kept.Add(trade);
            start = end;
        }

        var sorted = kept.ToArray();
        Array.Sort(sorted, static (a, b) => a.TimeMicros != b.TimeMicros ? a.TimeMicros.CompareTo(b.TimeMicros) : a.Id.CompareTo(b.Id));
        report = new DataQualityReport
        {
            Dataset = "agg_trades",
            Source = source,
            SourceTimeUnit = sourceTimeUnit,
            RowsRead = rows.Count,
            Rows = sorted.Length,
            First = sorted.Length > 0 ? EpochTime.Format(sorted[0].TimeMicros) : null,
            Last = sorted.Length > 0 ? EpochTime.Format(sorted[^1].TimeMicros) : null,
            DuplicatesDropped = valid - sorted.Length,
            Rejected = new RejectedRows { NotANumber = nan, NonPositivePrice = nonPositive, InvalidVolume = badQuantity },
            GapCount = gapCount,
            MissingTotal = missingTotal,
            Gaps = gaps,
        };
        return sorted;
    }
}
