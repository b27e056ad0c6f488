namespace Pipelines.Learning.Drift;

/// <summary>
/// Page–Hinkley test for a change in the mean of a stream. With x̄_t the running mean since the last reset,
/// the upward statistic is m_t = α m_{t-1} + (x_t - x̄_t - δ) and a change is signalled when
/// m_t - min_{s≤t} m_s &gt; λ; the downward statistic mirrors it with (x̄_t - x_t - δ). δ is the magnitude of
/// change tolerated, λ the alarm threshold, α ≤ 1 a forgetting factor that lets old evidence fade. After an
/// alarm the detector starts afresh. No alarm is raised before <c>MinInstances</c> values.
/// </summary>
public sealed class PageHinkley
{
    private long _count;
    private double _mean;
    private double _upSum;
    private double _upMinimum;
    private double _downSum;
    private double _downMinimum;

    public PageHinkley(double delta = 0.005, double lambda = 50.0, double alpha = 1.0 - 1e-4, int minInstances = 30,
        PageHinkleyDirection direction = PageHinkleyDirection.Both)
    {
        if (!double.IsFinite(delta) || delta < 0.0)
            throw new ArgumentOutOfRangeException(nameof(delta), delta, "must be finite and non-negative");
        if (!(lambda > 0.0) || double.IsInfinity(lambda))
            throw new ArgumentOutOfRangeException(nameof(lambda), lambda, "must be positive and finite");
        if (!(alpha > 0.0 && alpha <= 1.0))
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "must lie in (0, 1]");
        if (minInstances < 1)
            throw new ArgumentOutOfRangeException(nameof(minInstances), minInstances, "must be positive");
        if (!Enum.IsDefined(direction))
            throw new ArgumentOutOfRangeException(nameof(direction), direction, "unknown direction");
        Delta = delta;
        Lambda = lambda;
        Alpha = alpha;
        MinInstances = minInstances;
        Direction = direction;
    }

    public double Delta { get; }

    public double Lambda { get; }

    public double Alpha { get; }

    public int MinInstances { get; }

    public PageHinkleyDirection Direction { get; }

    public bool DriftDetected { get; private set; }

    public long DetectionCount { get; private set; }

    /// <summary>Values seen since the last alarm.</summary>
    public long Count => _count;

    public bool Update(double value)
    {
        if (!double.IsFinite(value))
            throw new ArgumentException($"{value} is not a finite value", nameof(value));
        if (DriftDetected)
            Reset();

        _count++;
        _mean += (value - _mean) / _count;
        double deviation = value - _mean;

        _upSum = Alpha * _upSum + deviation - Delta;
        _upMinimum = Math.Min(_upMinimum, _upSum);
        _downSum = Alpha * _downSum - deviation - Delta;
        _downMinimum = Math.Min(_downMinimum, _downSum);

        bool up = Direction != PageHinkleyDirection.Decrease && _upSum - _upMinimum > Lambda;
        bool down = Direction != PageHinkleyDirection.Increase && _downSum - _downMinimum > Lambda;
        DriftDetected = _count >= MinInstances && (up || down);
        if (DriftDetected)
            DetectionCount++;
        return DriftDetected;
    }

    private void Reset()
    {
        _count = 0;
        _mean = 0.0;
        _upSum = 0.0;
        _upMinimum = 0.0;
        _downSum = 0.0;
        _downMinimum = 0.0;
        DriftDetected = false;
    }
}
