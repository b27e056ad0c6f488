namespace Pipelines.Learning.Tuning;

/// <summary>
/// Optuna's MedianPruner: once at least <c>StartupTrials</c> trials have completed, a trial that has reported
/// at step s ≥ <c>WarmupSteps</c> is pruned when the best value it has reported so far is worse than the median
/// of the values completed trials reported at that same step s. Steps are checked every
/// <c>IntervalSteps</c> steps after the warm-up. Nothing is pruned while no completed trial reported at s.
/// </summary>
public sealed class MedianPruner
{
    public MedianPruner(int startupTrials = 5, int warmupSteps = 0, int intervalSteps = 1)
    {
        if (startupTrials < 0)
            throw new ArgumentOutOfRangeException(nameof(startupTrials), startupTrials, "must not be negative");
        if (warmupSteps < 0)
            throw new ArgumentOutOfRangeException(nameof(warmupSteps), warmupSteps, "must not be negative");
        if (intervalSteps < 1)
            throw new ArgumentOutOfRangeException(nameof(intervalSteps), intervalSteps, "must be positive");
        StartupTrials = startupTrials;
        WarmupSteps = warmupSteps;
        IntervalSteps = intervalSteps;
    }

    public int StartupTrials { get; }

    public int WarmupSteps { get; }

    public int IntervalSteps { get; }

    public bool ShouldPrune(Trial trial, IReadOnlyList<Trial> allTrials, StudyDirection direction)
    {
        ArgumentNullException.ThrowIfNull(trial);
        ArgumentNullException.ThrowIfNull(allTrials);
        if (trial.LastStep is not int step || step < WarmupSteps || (step - WarmupSteps) % IntervalSteps != 0)
            return false;

        int completed = 0;
        var atStep = new List<double>();
        foreach (var other in allTrials)
        {
            if (other.State != TrialState.Complete)
                continue;
            completed++;
            if (other.IntermediateValues.TryGetValue(step, out double value))
                atStep.Add(value);
        }
        if (completed == 0 || completed < StartupTrials || atStep.Count == 0)
            return false;

        double best = direction == StudyDirection.Minimize ? double.PositiveInfinity : double.NegativeInfinity;
        foreach (double value in trial.IntermediateValues.Values)
            best = direction == StudyDirection.Minimize ? Math.Min(best, value) : Math.Max(best, value);
        double median = Median(atStep);
        return direction == StudyDirection.Minimize ? best > median : best < median;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        int middle = values.Count / 2;
        return values.Count % 2 == 1 ? values[middle] : 0.5 * (values[middle - 1] + values[middle]);
    }
}
