namespace Pipelines.Learning.Tuning;

/// <summary>
/// Tree-structured Parzen Estimator (Bergstra et al., "Algorithms for Hyper-Parameter Optimization", 2011) with
/// Optuna's default settings, each parameter modelled independently:
/// <list type="number">
/// <item>the first <c>StartupTrials</c> trials (complete or pruned) are drawn at random;</item>
/// <item>afterwards the finished trials are ranked best first (complete trials by value, then pruned trials,
/// deepest first and by their last reported value) and the best gamma(n) = min(ceil(0.1 n), 25) form the
/// "good" group, the rest the "bad" group;</item>
/// <item>a Parzen estimator l(x) is fitted to the good group's values and g(x) to the bad group's;</item>
/// <item><c>CandidateCount</c> candidates are drawn from l and the one maximising l(x)/g(x) is taken.</item>
/// </list>
/// Failed trials are ignored. The same seed and the same objective give the same trials.
/// </summary>
public sealed class TpeSampler : ISampler
{
    private readonly Random _random;

    public TpeSampler(int seed, int startupTrials = 10, int candidateCount = 24)
    {
        if (startupTrials < 1)
            throw new ArgumentOutOfRangeException(nameof(startupTrials), startupTrials, "must be positive");
        if (candidateCount < 1)
            throw new ArgumentOutOfRangeException(nameof(candidateCount), candidateCount, "must be positive");
        _random = new Random(seed);
        StartupTrials = startupTrials;
        CandidateCount = candidateCount;
    }

    public int StartupTrials { get; }

    public int CandidateCount { get; }

    /// <summary>Size of the good group among n finished trials: min(ceil(0.1 n), 25).</summary>
    public static int Gamma(int finishedCount) => Math.Min((int)Math.Ceiling(0.1 * finishedCount), 25);

    public double[] Sample(SearchSpace space, IReadOnlyList<Trial> finishedTrials, StudyDirection direction)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(finishedTrials);
        var usable = new List<Trial>();
        foreach (var trial in finishedTrials)
        {
            if (trial.State is TrialState.Complete or TrialState.Pruned)
                usable.Add(trial);
        }
        if (usable.Count < StartupTrials)
            return RandomSampler.SampleUniform(space, _random);

        var ranked = usable.ToArray();
        Array.Sort(ranked, (a, b) => CompareBestFirst(a, b, direction));
        int goodCount = Gamma(ranked.Length);
        // each group oldest first, as the estimator's weights expect
        Trial[] good = ranked[..goodCount].OrderBy(t => t.Number).ToArray();
        Trial[] bad = ranked[goodCount..].OrderBy(t => t.Number).ToArray();

        var values = new double[space.Parameters.Count];
        for (int p = 0; p < values.Length; p++)
        {
            ParameterDistribution parameter = space.Parameters[p];
            var below = ParzenEstimator.Build(parameter, Observations(good, p));
            var above = ParzenEstimator.Build(parameter, Observations(bad, p));
            double bestCandidate = double.NaN;
            double bestScore = double.NegativeInfinity;
            for (int c = 0; c < CandidateCount; c++)
            {
                double candidate = below.Sample(_random);
                double score = below.LogDensity(candidate) - above.LogDensity(candidate);
                if (double.IsNaN(bestCandidate) || score > bestScore)
                {
                    bestCandidate = candidate;
                    bestScore = score;
                }
            }
            values[p] = bestCandidate;
        }
        return values;
    }

    private static double[] Observations(Trial[] trials, int parameterIndex)
    {
        var observations = new double[trials.Length];
        for (int i = 0; i < trials.Length; i++)
            observations[i] = trials[i].InternalValue(parameterIndex);
        return observations;
    }

    private static int CompareBestFirst(Trial a, Trial b, StudyDirection direction)
    {
        bool aComplete = a.State == TrialState.Complete;
        bool bComplete = b.State == TrialState.Complete;
        if (aComplete != bComplete)
            return aComplete ? -1 : 1;
        int order;
        if (aComplete)
        {
            order = CompareValues(a.Value!.Value, b.Value!.Value, direction);
        }
        else
        {
            // pruned: the one that got further is better; then by its last reported value
            int aStep = a.LastStep ?? -1;
            int bStep = b.LastStep ?? -1;
            order = bStep.CompareTo(aStep);
            if (order == 0 && aStep >= 0)
                order = CompareValues(a.IntermediateValues[aStep], b.IntermediateValues[bStep], direction);
        }
        return order != 0 ? order : a.Number.CompareTo(b.Number);
    }

    private static int CompareValues(double a, double b, StudyDirection direction) =>
        direction == StudyDirection.Minimize ? a.CompareTo(b) : b.CompareTo(a);
}
