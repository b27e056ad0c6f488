using System.Numerics;
using Pipelines.Learning.Data;

namespace Pipelines.Learning.Explain;

/// <summary>
/// Kernel SHAP (Lundberg and Lee 2017) for any model that can be scored on rows, in the form of Covert and Lee 2021
/// ("Improving KernelSHAP"). For a row x of M features and a background of rows b_k with weights ω_k, a coalition
/// z ⊆ {1..M} is worth
/// <code>v(z) = Σ_k ω_k f(x_z, b_k,z̄)</code>
/// (features in z from x, the others from the background row), so v(∅) = E[f(background)] and v(all) = f(x). The
/// values φ solve the weighted least squares over coalitions 0 &lt; |z| &lt; M with the Shapley kernel
/// (<see cref="ShapleyKernel"/>) under the efficiency constraint:
/// <code>min_φ Σ_z p(z) (v(z) − v(∅) − zᵀφ)²  subject to  1ᵀφ = v(all) − v(∅)</code>
/// whose solution, with A = Σ p(z) z zᵀ and b = Σ p(z) z (v(z) − v(∅)), is
/// <code>φ = A⁻¹ (b − 1 · (1ᵀA⁻¹b − v(all) + v(∅)) / (1ᵀA⁻¹1))</code>
/// Exact: when all 2^M − 2 coalitions fit in <see cref="KernelShapOptions.MaxCoalitions"/>, p is the kernel itself,
/// normalised, and φ are the Shapley values of v (exactly, for this background). Sampled: otherwise n/2 sizes s are
/// drawn from P(s) ∝ 1/(s(M − s)), a coalition of that size uniformly, and each is used with its complement (paired
/// sampling); p puts 1/n on each draw. The values still add up to f(x) − E[f(background)] exactly, by the constraint.
/// <para>Error: the standard error of each φ_j is the standard deviation of φ_j over bootstrap replicates that redraw
/// the n/2 pairs with replacement (the model is not run again), with <see cref="KernelShapOptions.BootstrapReplicates"/>
/// replicates; it measures the coalition sampling only (zero when enumerating), not how well the background stands
/// for the data. The same coalitions serve every row an explainer explains, so A⁻¹ is computed once.</para>
/// Not thread-safe: one explainer per thread.
/// </summary>
public sealed class KernelShapExplainer : IShapExplainer
{
    private readonly BatchPredictor _model;
    private readonly ShapBackground _background;
    private readonly int _features, _outputs;
    private readonly ulong[] _masks;          // distinct coalitions evaluated
    private readonly int[] _sampleMask;       // per sample: index into _masks
    private readonly double[] _sampleWeight;  // per sample: p(z)
    private readonly Solution _solution;
    private readonly Solution[] _replicates;
    private readonly int[][] _replicateCounts; // per replicate: how often each sample was redrawn (per pair, both halves)
    private readonly double[] _expected;
    private readonly int _coalitionsPerBatch;
    private readonly double[] _batch;
    private readonly double[] _scores;
    private readonly double[] _values;         // per distinct coalition and output: v(z) − v(∅)
    private readonly double[] _b;
    private readonly double[] _full;
    private readonly double[] _phi, _sum, _squares;   // per-row scratch, kept so explaining a row allocates nothing of its own

    public KernelShapExplainer(BatchPredictor model, int featureCount, int outputCount, ShapBackground background, KernelShapOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(background);
        options ??= new KernelShapOptions();
        if (featureCount < 2) throw new ArgumentOutOfRangeException(nameof(featureCount), featureCount, "Kernel SHAP needs at least two features");
        if (featureCount > 63) throw new ArgumentOutOfRangeException(nameof(featureCount), featureCount, "at most 63 features");
        ArgumentOutOfRangeException.ThrowIfLessThan(outputCount, 1);
        if (background.FeatureCount != featureCount)
            throw new ArgumentException($"the background has {background.FeatureCount} features, the model {featureCount}", nameof(background));
        if (options.MaxCoalitions < 2 * featureCount)
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxCoalitions, $"at least {2 * featureCount} coalitions are needed for {featureCount} features");
        _model = model;
        _background = background;
        _features = featureCount;
        _outputs = outputCount;

        var all = (1L << featureCount) - 2;
        Enumerates = all <= options.MaxCoalitions;
        var masks = new List<ulong>();
        var index = new Dictionary<ulong, int>();
        int Distinct(ulong mask)
        {
            if (index.TryGetValue(mask, out var i)) return i;
            index[mask] = masks.Count;
            masks.Add(mask);
            return masks.Count - 1;
        }
        int[] sampleMask;
        double[] sampleWeight;
        if (Enumerates)
        {
            sampleMask = new int[all];
            sampleWeight = new double[all];
            double total = 0;
            for (var mask = 1UL; mask <= (ulong)all; mask++)
            {
                var i = (int)mask - 1;
                sampleMask[i] = Distinct(mask);
                total += sampleWeight[i] = ShapleyKernel.Weight(featureCount, BitOperations.PopCount(mask));
            }
            for (var i = 0; i < sampleWeight.Length; i++) sampleWeight[i] /= total;
        }
        else
        {
            var pairs = options.MaxCoalitions / 2;
            sampleMask = new int[2 * pairs];
            sampleWeight = new double[2 * pairs];
            var sizes = ShapleyKernel.SizeDistribution(featureCount);
            var random = new SplitMix64(options.Seed);
            var order = Enumerable.Range(0, featureCount).ToArray();
            var full = (1UL << featureCount) - 1;
            for (var p = 0; p < pairs; p++)
            {
                var size = DrawSize(sizes, ref random);
                // The first `size` of a random permutation: a uniformly drawn coalition of that size.
                var mask = 0UL;
                for (var i = 0; i < size; i++)
                {
                    var j = i + random.NextInt(featureCount - i);
                    (order[i], order[j]) = (order[j], order[i]);
                    mask |= 1UL << order[i];
                }
                sampleMask[2 * p] = Distinct(mask);
                sampleMask[2 * p + 1] = Distinct(full & ~mask);
                sampleWeight[2 * p] = sampleWeight[2 * p + 1] = 1.0 / (2 * pairs);
            }
        }
        _masks = masks.ToArray();
        _sampleMask = sampleMask;
        _sampleWeight = sampleWeight;
        _solution = Solve(Enumerable.Repeat(1, sampleMask.Length).ToArray());

        if (Enumerates || options.BootstrapReplicates < 2)
        {
            _replicates = [];
            _replicateCounts = [];
        }
        else
        {
            var random = new SplitMix64(options.Seed ^ 0x9E3779B97F4A7C15UL);
            var pairs = sampleMask.Length / 2;
            _replicates = new Solution[options.BootstrapReplicates];
            _replicateCounts = new int[options.BootstrapReplicates][];
            for (var r = 0; r < options.BootstrapReplicates; r++)
            {
                var counts = new int[sampleMask.Length];
                for (var draw = 0; draw < pairs; draw++)
                {
                    var pair = random.NextInt(pairs);
                    counts[2 * pair]++;
                    counts[2 * pair + 1]++;
                }
                _replicateCounts[r] = counts;
                try
                {
                    _replicates[r] = Solve(counts);
                }
                catch (InvalidOperationException)
                {
                    // A redraw that leaves some feature undetermined is drawn again; the estimate itself was solvable.
                    r--;
                }
            }
        }

        _coalitionsPerBatch = Math.Max(1, options.BatchRows / background.Count);
        _batch = new double[_coalitionsPerBatch * background.Count * featureCount];
        _scores = new double[_coalitionsPerBatch * background.Count * outputCount];
        _values = new double[_masks.Length * outputCount];
        _b = new double[featureCount];
        _full = new double[outputCount];
        _phi = new double[featureCount];
        _sum = new double[featureCount];
        _squares = new double[featureCount];

        // v(∅) = E[f(background)], the same for every row.
        _expected = new double[outputCount];
        var backgroundScores = new double[background.Count * outputCount];
        model(background.Rows, background.Count, backgroundScores);
        for (var k = 0; k < background.Count; k++)
            for (var c = 0; c < outputCount; c++) _expected[c] += background.Weights[k] * backgroundScores[k * outputCount + c];
    }

    /// <summary>True when every coalition is evaluated: the values are then exact for the background and the errors zero.</summary>
    public bool Enumerates { get; }

    /// <summary>Distinct coalitions evaluated per row (each on every background row).</summary>
    public int CoalitionCount => _masks.Length;

    public ShapBackground Background => _background;

    public int FeatureCount => _features;

    public int ClassCount => _outputs;

    public int ContributionLength => _outputs * (_features + 1);

    /// <summary>E[f(background)] per output.</summary>
    public IReadOnlyList<double> ExpectedValues => _expected;

    public void Explain(ReadOnlySpan<double> features, Span<double> contributions) => Explain(features, contributions, Span<double>.Empty);

    /// <summary>
    /// Writes, per output, the M values then the expected value into <paramref name="contributions"/>; with room for
    /// <see cref="ClassCount"/> × <see cref="FeatureCount"/> values, <paramref name="errors"/> gets each value's standard
    /// error, per output in the same order.
    /// </summary>
    public void Explain(ReadOnlySpan<double> features, Span<double> contributions, Span<double> errors)
    {
        if (features.Length != _features) throw new ArgumentException($"{features.Length} features given, the model has {_features}", nameof(features));
        if (contributions.Length < ContributionLength) throw new ArgumentException($"room for {contributions.Length} contributions, {ContributionLength} needed", nameof(contributions));
        if (!errors.IsEmpty && errors.Length < _outputs * _features) throw new ArgumentException($"room for {errors.Length} errors, {_outputs * _features} needed", nameof(errors));

        Evaluate(features);
        var phi = _phi;
        for (var c = 0; c < _outputs; c++)
        {
            var delta = _full[c] - _expected[c];
            Estimate(_solution, null, c, delta, phi);
            for (var j = 0; j < _features; j++) contributions[c * (_features + 1) + j] = phi[j];
            contributions[c * (_features + 1) + _features] = _expected[c];
            if (errors.IsEmpty) continue;
            var error = errors.Slice(c * _features, _features);
            if (_replicates.Length == 0)
            {
                error.Clear();
                continue;
            }
            var sum = _sum;
            var squares = _squares;
            Array.Clear(sum);
            Array.Clear(squares);
            for (var r = 0; r < _replicates.Length; r++)
            {
                Estimate(_replicates[r], _replicateCounts[r], c, delta, phi);
                for (var j = 0; j < _features; j++)
                {
                    sum[j] += phi[j];
                    squares[j] += phi[j] * phi[j];
                }
            }
            var n = _replicates.Length;
            for (var j = 0; j < _features; j++)
            {
                var mean = sum[j] / n;
                error[j] = Math.Sqrt(Math.Max(0, (squares[j] - n * mean * mean) / (n - 1)));
            }
        }
    }

    /// <summary>f(x) and v(z) − v(∅) of every distinct coalition, for every output, in batches of whole coalitions.</summary>
    private void Evaluate(ReadOnlySpan<double> x)
    {
        var m = _features;
        var background = _background.Count;
        x.CopyTo(_batch);
        _model(_batch.AsSpan(0, m), 1, _scores.AsSpan(0, _outputs));
        _scores.AsSpan(0, _outputs).CopyTo(_full);
        for (var start = 0; start < _masks.Length; start += _coalitionsPerBatch)
        {
            var count = Math.Min(_coalitionsPerBatch, _masks.Length - start);
            for (var i = 0; i < count; i++)
            {
                var mask = _masks[start + i];
                for (var k = 0; k < background; k++)
                {
                    var row = _batch.AsSpan((i * background + k) * m, m);
                    var from = _background.Rows.AsSpan(k * m, m);
                    for (var f = 0; f < m; f++) row[f] = (mask >> f & 1) != 0 ? x[f] : from[f];
                }
            }
            _model(_batch.AsSpan(0, count * background * m), count * background, _scores.AsSpan(0, count * background * _outputs));
            for (var i = 0; i < count; i++)
            {
                for (var c = 0; c < _outputs; c++)
                {
                    double value = 0;
                    for (var k = 0; k < background; k++) value += _background.Weights[k] * _scores[(i * background + k) * _outputs + c];
                    _values[(start + i) * _outputs + c] = value - _expected[c];
                }
            }
        }
    }

    /// <summary>φ for output <paramref name="output"/> from a solved system; <paramref name="counts"/> reweights the samples (bootstrap).</summary>
    private void Estimate(Solution solution, int[]? counts, int output, double delta, Span<double> phi)
    {
        var m = _features;
        Array.Clear(_b);
        for (var s = 0; s < _sampleMask.Length; s++)
        {
            var weight = _sampleWeight[s] * (counts?[s] ?? 1);
            if (weight == 0) continue;
            var y = weight * _values[_sampleMask[s] * _outputs + output];
            var mask = _masks[_sampleMask[s]];
            while (mask != 0)
            {
                _b[BitOperations.TrailingZeroCount(mask)] += y;
                mask &= mask - 1;
            }
        }
        // φ = A⁻¹b − A⁻¹1 · (1ᵀA⁻¹b − Δ) / (1ᵀA⁻¹1)
        double oneAb = 0;
        for (var i = 0; i < m; i++)
        {
            double value = 0;
            for (var j = 0; j < m; j++) value += solution.Inverse[i * m + j] * _b[j];
            phi[i] = value;
            oneAb += value;
        }
        var shift = (oneAb - delta) / solution.OneInverseOne;
        for (var i = 0; i < m; i++) phi[i] -= solution.InverseOne[i] * shift;
    }

    /// <summary>A = Σ p(z) z zᵀ over the samples (each counted <paramref name="counts"/> times), inverted.</summary>
    private Solution Solve(int[] counts)
    {
        var m = _features;
        var a = new double[m * m];
        for (var s = 0; s < _sampleMask.Length; s++)
        {
            var weight = _sampleWeight[s] * counts[s];
            if (weight == 0) continue;
            var mask = _masks[_sampleMask[s]];
            for (var i = 0; i < m; i++)
            {
                if ((mask >> i & 1) == 0) continue;
                for (var j = 0; j < m; j++)
                    if ((mask >> j & 1) != 0) a[i * m + j] += weight;
            }
        }
        var inverse = Invert(a, m);
        var inverseOne = new double[m];
        double oneInverseOne = 0;
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < m; j++) inverseOne[i] += inverse[i * m + j];
            oneInverseOne += inverseOne[i];
        }
        return new Solution(inverse, inverseOne, oneInverseOne);
    }

    /// <summary>Gauss-Jordan elimination with partial pivoting; a singular A means too few distinct coalitions.</summary>
    private static double[] Invert(double[] matrix, int n)
    {
        var a = (double[])matrix.Clone();
        var inverse = new double[n * n];
        for (var i = 0; i < n; i++) inverse[i * n + i] = 1;
        var scale = 0.0;
        for (var i = 0; i < n; i++) scale = Math.Max(scale, Math.Abs(a[i * n + i]));
        for (var col = 0; col < n; col++)
        {
            var pivot = col;
            for (var row = col + 1; row < n; row++)
                if (Math.Abs(a[row * n + col]) > Math.Abs(a[pivot * n + col])) pivot = row;
            if (!(Math.Abs(a[pivot * n + col]) > 1e-12 * scale))
                throw new InvalidOperationException("the sampled coalitions do not determine every feature's value; allow more coalitions");
            if (pivot != col)
                for (var k = 0; k < n; k++)
                {
                    (a[col * n + k], a[pivot * n + k]) = (a[pivot * n + k], a[col * n + k]);
                    (inverse[col * n + k], inverse[pivot * n + k]) = (inverse[pivot * n + k], inverse[col * n + k]);
                }
            var diagonal = a[col * n + col];
            for (var k = 0; k < n; k++)
            {
                a[col * n + k] /= diagonal;
                inverse[col * n + k] /= diagonal;
            }
            for (var row = 0; row < n; row++)
            {
                if (row == col) continue;
                var factor = a[row * n + col];
                if (factor == 0) continue;
                for (var k = 0; k < n; k++)
                {
                    a[row * n + k] -= factor * a[col * n + k];
                    inverse[row * n + k] -= factor * inverse[col * n + k];
                }
            }
        }
        return inverse;
    }

    private static int DrawSize(double[] sizes, ref SplitMix64 random)
    {
        var u = random.NextUniform();
        for (var i = 0; i < sizes.Length; i++)
        {
            u -= sizes[i];
            if (u < 0) return i + 1;
        }
        return sizes.Length;
    }

    private sealed record Solution(double[] Inverse, double[] InverseOne, double OneInverseOne);
}
