namespace Pipelines.Steps.Ingest.Binance;

/// <summary>
/// Turns klines as read into the table's rows: rejects unusable bars, drops repeated open times (keeping the first
/// seen), sorts by open time, and reports what it did and the gaps that remain.
/// </summary>
public static class KlineQualityCheck
{
    /// <param name="expectedInterval">The bar length; when null, the most common spacing between bars.</param>
    /// <param name="gapsListed">How many gaps to list in the report (all are counted).</param>
    public static Kline[] Clean(IReadOnlyList<Kline> rows, TimeSpan? expectedInterval, string source, string? sourceTimeUnit,
        int gapsListed, out DataQualityReport report)
    {
        long nan = 0, nonPositive = 0, negativeVolume = 0, inconsistent = 0, zeroVolume = 0;
        var times = new long[rows.Count];
        var order = new int[rows.Count];
        var valid = 0;
        for (var i = 0; i < rows.Count; i++)
        {
            var k = rows[i];
            if (!double.IsFinite(k.Open) || !double.IsFinite(k.High) || !double.IsFinite(k.Low) || !double.IsFinite(k.Close) || !double.IsFinite(k.Volume))
                nan++;
            else if (k.Open <= 0 || k.High <= 0 || k.Low <= 0 || k.Close <= 0)
                nonPositive++;
            else if (k.Volume < 0)
                negativeVolume++;
            else if (k.High < k.Low || k.Open > k.High || k.Open < k.Low || k.Close > k.High || k.Close < k.Low)
                inconsistent++;
            else
            {
                times[valid] = k.OpenTimeMicros;
                order[valid++] = i;
            }
        }

        // Sorting (time, source index) pairs keeps the first-read bar of each open time, whatever the sort's stability.
        Array.Sort(times, order, 0, valid);
        var kept = new List<Kline>(valid);
        for (var start = 0; start < valid;)
        {
            var end = start + 1;
            var first = order[start];
            while (end < valid && times[end] == times[start]) first = Math.Min(first, order[end++]);
            kept.Add(rows[first]);
            if (rows[first].Volume == 0) zeroVolume++;
            start = end;
        }

        var intervalMicros = expectedInterval is { } given ? given.Ticks / TimeSpan.TicksPerMicrosecond : MostCommonSpacing(kept);
        var gaps = new List<QualityGap>();
        long gapCount = 0, missingTotal = 0;
        if (intervalMicros > 0)
        {
            for (var i = 1; i < kept.Count; i++)
            {
                var step = kept[i].OpenTimeMicros - kept[i - 1].OpenTimeMicros;
                if (step <= intervalMicros) continue;
                var missing = (step - 1) / intervalMicros;
                gapCount++;
                missingTotal += missing;
                if (gaps.Count < gapsListed)
                    gaps.Add(new QualityGap(
                        EpochTime.Format(kept[i - 1].OpenTimeMicros + intervalMicros),
                        EpochTime.Format(kept[i - 1].OpenTimeMicros + missing * intervalMicros),
                        null, null, missing));
            }
        }

        report = new DataQualityReport
        {
            Dataset = "klines",
            Source = source,
            SourceTimeUnit = sourceTimeUnit,
            RowsRead = rows.Count,
            Rows = kept.Count,
            First = kept.Count > 0 ? EpochTime.Format(kept[0].OpenTimeMicros) : null,
            Last = kept.Count > 0 ? EpochTime.Format(kept[^1].OpenTimeMicros) : null,
            ExpectedIntervalSeconds = intervalMicros > 0 ? intervalMicros / 1e6 : null,
            DuplicatesDropped = valid - kept.Count,
            Rejected = new RejectedRows { NotANumber = nan, NonPositivePrice = nonPositive, InvalidVolume = negativeVolume, InconsistentOhlc = inconsistent },
            ZeroVolumeRows = zeroVolume,
            GapCount = gapCount,
            MissingTotal = missingTotal,
            Gaps = gaps,
        };
        return kept.ToArray();
    }

    private static long MostCommonSpacing(List<Kline> sorted)
    {
        var counts = new Dictionary<long, int>();
        long best = 0;
        var bestCount = 0;
        for (var i = 1; i < sorted.Count; i++)
        {
            var step = sorted[i].OpenTimeMicros - sorted[i - 1].OpenTimeMicros;
            var count = counts[step] = counts.GetValueOrDefault(step) + 1;
            if (count > bestCount || (count == bestCount && step < best))
            {
                best = step;
                bestCount = count;
            }
        }
        return best;
    }
}
