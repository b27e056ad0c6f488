namespace Pipelines.Learning.Tuning;

/// <summary>
/// Optimises an objective over a search space, one trial at a time, recording every trial. The objective
/// returns the value to minimise or maximise; a <see cref="TrialPrunedException"/> marks the trial pruned; a
/// non-finite value marks it failed; any other exception marks it failed and, unless failures are tolerated,
/// propagates after being recorded.
/// </summary>
public sealed class Study
{
    private readonly List<Trial> _trials = [];
    private readonly ISampler _sampler;
    private readonly MedianPruner? _pruner;

    public Study(SearchSpace space, StudyDirection direction, ISampler sampler, MedianPruner? pruner = null)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(sampler);
        if (space.Parameters.Count == 0)
            throw new ArgumentException("the search space declares no parameter", nameof(space));
        if (!Enum.IsDefined(direction))
            throw new ArgumentOutOfRangeException(nameof(direction), direction, "unknown direction");
        Space = space;
        Direction = direction;
        _sampler = sampler;
        _pruner = pruner;
    }

    public SearchSpace Space { get; }

    public StudyDirection Direction { get; }

    public IReadOnlyList<Trial> Trials => _trials;

    /// <summary>The complete trial with the best value (the earliest on ties).</summary>
    public Trial BestTrial
    {
        get
        {
            Trial? best = null;
            foreach (var trial in _trials)
            {
                if (trial.State != TrialState.Complete)
                    continue;
                if (best is null || IsBetter(trial.Value!.Value, best.Value!.Value))
                    best = trial;
            }
            return best ?? throw new InvalidOperationException("no trial has completed yet");
        }
    }

    /// <summary>Runs <paramref name="trialCount"/> more trials and returns the best trial so far.</summary>
    public Trial Optimize(Func<Trial, double> objective, int trialCount, bool tolerateFailures = false)
    {
        ArgumentNullException.ThrowIfNull(objective);
        if (trialCount < 1)
            throw new ArgumentOutOfRangeException(nameof(trialCount), trialCount, "must be positive");
        for (int i = 0; i < trialCount; i++)
            RunTrial(objective, tolerateFailures);
        return BestTrial;
    }

    internal bool ShouldPrune(Trial trial) => _pruner is not null && _pruner.ShouldPrune(trial, _trials, Direction);

    private void RunTrial(Func<Trial, double> objective, bool tolerateFailures)
    {
        double[] values = _sampler.Sample(Space, _trials, Direction);
        if (values.Length != Space.Parameters.Count)
            throw new InvalidOperationException(
                $"the sampler returned {values.Length} values for {Space.Parameters.Count} parameters");
        var trial = new Trial(_trials.Count, Space, values, this);
        _trials.Add(trial);
        double value;
        try
        {
            value = objective(trial);
        }
        catch (TrialPrunedException)
        {
            trial.State = TrialState.Pruned;
            return;
        }
        catch (Exception error)
        {
            trial.State = TrialState.Failed;
            trial.FailureReason = error.Message;
            if (tolerateFailures)
                return;
            throw;
        }
        if (!double.IsFinite(value))
        {
            trial.State = TrialState.Failed;
            trial.FailureReason = $"the objective returned {value}";
            return;
        }
        trial.Value = value;
        trial.State = TrialState.Complete;
    }

    private bool IsBetter(double candidate, double incumbent) =>
        Direction == StudyDirection.Minimize ? candidate < incumbent : candidate > incumbent;
}
