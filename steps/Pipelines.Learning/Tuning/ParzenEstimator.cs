namespace Pipelines.Learning.Tuning;

/// <summary>
/// One-dimensional Parzen estimator of TPE (Bergstra et al. 2011) with the choices Optuna makes by default:
/// a prior component (mean at the middle of the range, width the whole range, weight 1) beside one component
/// per observation, observation weights that ramp down the oldest beyond the 25 most recent, and for numerical
/// ranges Gaussians truncated to the range whose widths are the larger gap to a neighbouring mean, clipped to
/// [range / min(100, 1 + components), range].
/// </summary>
internal sealed class ParzenEstimator
{
    private const double PriorWeight = 1.0;

    private readonly double[] _weights;
    private readonly double[] _means;
    private readonly double[] _sigmas;
    private readonly double[] _logNormalisers;
    private readonly double[][]? _choiceProbabilities;
    private readonly NumericalDistribution? _numerical;
    private readonly double _low;
    private readonly double _high;

    private ParzenEstimator(NumericalDistribution distribution, double[] observations)
    {
        _numerical = distribution;
        _low = distribution.InternalLow;
        _high = distribution.InternalHigh;
        double range = _high - _low;
        int n = observations.Length;
        _weights = Weights(n);
        _means = new double[n + 1];
        _sigmas = new double[n + 1];
        Array.Copy(observations, _means, n);
        _means[n] = 0.5 * (_low + _high);

        if (range > 0.0)
        {
            // Bandwidth from the neighbours among observations and prior, the range ends standing in for missing
            // neighbours; the outermost kernels look only inwards (Optuna's consider_endpoints=False).
            int[] order = Enumerable.Range(0, n + 1).ToArray();
            double[] sortedMeans = (double[])_means.Clone();
            Array.Sort(sortedMeans, order);
            var padded = new double[n + 3];
            padded[0] = _low;
            Array.Copy(sortedMeans, 0, padded, 1, n + 1);
            padded[^1] = _high;
            var sortedSigmas = new double[n + 1];
            for (int i = 0; i < n + 1; i++)
                sortedSigmas[i] = Math.Max(padded[i + 1] - padded[i], padded[i + 2] - padded[i + 1]);
            if (padded.Length >= 4)
            {
                sortedSigmas[0] = padded[2] - padded[1];
                sortedSigmas[^1] = padded[^2] - padded[^3];
            }
            double minimum = range / Math.Min(100.0, 1.0 + (n + 1));
            for (int i = 0; i < n + 1; i++)
                _sigmas[order[i]] = Math.Clamp(sortedSigmas[i], minimum, range);
        }
        else
        {
            Array.Fill(_sigmas, 1.0);
        }
        _sigmas[n] = range > 0.0 ? range : 1.0;

        _logNormalisers = new double[n + 1];
        for (int k = 0; k <= n; k++)
        {
            double mass = StandardNormal.Cdf((_high - _means[k]) / _sigmas[k]) - StandardNormal.Cdf((_low - _means[k]) / _sigmas[k]);
            _logNormalisers[k] = Math.Log(Math.Max(mass, 1e-300));
        }
    }

    private ParzenEstimator(int choiceCount, double[] observations)
    {
        int n = observations.Length;
        _weights = Weights(n);
        _means = [];
        _sigmas = [];
        _logNormalisers = [];
        _choiceProbabilities = new double[n + 1][];
        for (int k = 0; k <= n; k++)
        {
            var row = new double[choiceCount];
            Array.Fill(row, PriorWeight / choiceCount);
            if (k < n)
                row[(int)observations[k]] += 1.0;
            double total = row.Sum();
            for (int c = 0; c < choiceCount; c++)
                row[c] /= total;
            _choiceProbabilities[k] = row;
        }
    }

    /// <param name="observations">internal values of the parameter, oldest trial first</param>
    public static ParzenEstimator Build(ParameterDistribution distribution, double[] observations) =>
        distribution switch
        {
            NumericalDistribution numerical => new ParzenEstimator(numerical, observations),
            CategoricalDistribution categorical => new ParzenEstimator(categorical.Choices.Count, observations),
            _ => throw new ArgumentException($"unsupported parameter type {distribution.GetType().Name}", nameof(distribution)),
        };

    public double Sample(Random random)
    {
        int component = PickComponent(random);
        if (_choiceProbabilities is not null)
        {
            double[] row = _choiceProbabilities[component];
            double u = random.NextDouble();
            double cumulative = 0.0;
            for (int c = 0; c < row.Length; c++)
            {
                cumulative += row[c];
                if (u < cumulative)
                    return c;
            }
            return row.Length - 1;
        }

        // inverse-CDF draw from the component's Gaussian truncated to [low, high]
        double mean = _means[component];
        double sigma = _sigmas[component];
        double lower = StandardNormal.Cdf((_low - mean) / sigma);
        double upper = StandardNormal.Cdf((_high - mean) / sigma);
        double p = lower + random.NextDouble() * (upper - lower);
        double x = mean + sigma * StandardNormal.Quantile(Math.Clamp(p, 1e-300, 1.0 - 1e-16));
        return _numerical!.Snap(Math.Clamp(x, _low, _high));
    }

    /// <summary>Log density (log probability mass for integers and choices) of an internal value.</summary>
    public double LogDensity(double x)
    {
        double largest = double.NegativeInfinity;
        Span<double> terms = _weights.Length <= 256 ? stackalloc double[_weights.Length] : new double[_weights.Length];
        for (int k = 0; k < _weights.Length; k++)
        {
            double logComponent;
            if (_choiceProbabilities is not null)
            {
                logComponent = Math.Log(_choiceProbabilities[k][(int)x]);
            }
            else if (_numerical!.IsDiscrete)
            {
                double mass = StandardNormal.Cdf((Math.Min(x + 0.5, _high) - _means[k]) / _sigmas[k])
                              - StandardNormal.Cdf((Math.Max(x - 0.5, _low) - _means[k]) / _sigmas[k]);
                logComponent = Math.Log(Math.Max(mass, 1e-300)) - _logNormalisers[k];
            }
            else
            {
                logComponent = StandardNormal.LogPdf((x - _means[k]) / _sigmas[k]) - Math.Log(_sigmas[k]) - _logNormalisers[k];
            }
            terms[k] = Math.Log(_weights[k]) + logComponent;
            largest = Math.Max(largest, terms[k]);
        }
        double sum = 0.0;
        foreach (double t in terms)
            sum += Math.Exp(t - largest);
        return largest + Math.Log(sum);
    }

    private int PickComponent(Random random)
    {
        double u = random.NextDouble();
        double cumulative = 0.0;
        for (int k = 0; k < _weights.Length; k++)
        {
            cumulative += _weights[k];
            if (u < cumulative)
                return k;
        }
        return _weights.Length - 1;
    }

    /// <summary>
    /// Normalised component weights: observations oldest first, ramping linearly from 1/n up to 1 over all but
    /// the 25 most recent when there are 25 or more, then the prior.
    /// </summary>
    private static double[] Weights(int observationCount)
    {
        var weights = new double[observationCount + 1];
        int ramp = Math.Max(observationCount - 25, 0);
        for (int i = 0; i < observationCount; i++)
        {
            weights[i] = i >= ramp ? 1.0
                : ramp == 1 ? 1.0 / observationCount
                : 1.0 / observationCount + (1.0 - 1.0 / observationCount) * i / (ramp - 1);
        }
        weights[observationCount] = PriorWeight;
        double total = weights.Sum();
        for (int i = 0; i < weights.Length; i++)
            weights[i] /= total;
        return weights;
    }
}
