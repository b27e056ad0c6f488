namespace Pipelines.Learning.Archive;

/// <summary>
/// Merges qualifying days into events: a run is a maximal sequence of qualifying days whose day numbers follow one
/// another without a gap (a day with no data breaks it, as does a day that does not qualify), and only runs at least
/// <c>minimumDays</c> long count. So a stress that lasts four days is one event, not four, and a single wild day
/// does not make an event when the criteria ask for several.
/// </summary>
public static class QualifyingRuns
{
    /// <param name="days">Day numbers (days since the Unix epoch, UTC) in ascending order, each once.</param>
    /// <param name="qualifies">Whether each day meets every criterion.</param>
    /// <param name="minimumDays">Shortest run that counts, at least 1.</param>
    public static IReadOnlyList<DayRun> Find(IReadOnlyList<long> days, IReadOnlyList<bool> qualifies, int minimumDays)
    {
        ArgumentNullException.ThrowIfNull(days);
        ArgumentNullException.ThrowIfNull(qualifies);
        if (days.Count != qualifies.Count) throw new ArgumentException($"{days.Count} days but {qualifies.Count} verdicts", nameof(qualifies));
        ArgumentOutOfRangeException.ThrowIfLessThan(minimumDays, 1);
        for (var i = 1; i < days.Count; i++)
        {
            if (days[i] <= days[i - 1]) throw new ArgumentException($"days must ascend without repeats; day {days[i]} follows {days[i - 1]}", nameof(days));
        }

        var runs = new List<DayRun>();
        long? first = null;
        long last = 0;
        for (var i = 0; i < days.Count; i++)
        {
            if (first is not null && (!qualifies[i] || days[i] != last + 1))
            {
                Close(runs, first.Value, last, minimumDays);
                first = null;
            }
            if (!qualifies[i]) continue;
            first ??= days[i];
            last = days[i];
        }
        if (first is not null) Close(runs, first.Value, last, minimumDays);
        return runs;
    }

    private static void Close(List<DayRun> runs, long first, long last, int minimumDays)
    {
        if (last - first + 1 >= minimumDays) runs.Add(new DayRun(first, last));
    }
}
