namespace Pipelines.Learning.Features;

/// <summary>SMA, or the value relative to its SMA.</summary>
internal sealed class MeanState(int slot, int window, bool ratio) : FeatureState
{
    private readonly RollingSum _sum = new(window);

    public override double Next(double[] slots)
    {
        var value = slots[slot];
        _sum.Push(value);
        if (!_sum.Full) return double.NaN;
        return ratio ? Divide(value, _sum.Mean) : _sum.Mean;
    }

    public override void Reset() => _sum.Reset();
}

/// <summary>Sample standard deviation, or the z-score of the current value against the window.</summary>
internal sealed class MomentsState(int slot, int window, bool zScore) : FeatureState
{
    private readonly RollingMoments _moments = new(window);

    public override double Next(double[] slots)
    {
        var value = slots[slot];
        _moments.Push(value);
        if (!_moments.Full) return double.NaN;
        var std = Math.Sqrt(_moments.SampleVariance);
        return zScore ? Divide(value - _moments.Mean, std) : std;
    }

    public override void Reset() => _moments.Reset();
}

/// <summary>
/// Least-squares slope of the window against positions 0..N-1. Keeps S = sum of y and T = sum of i*y; sliding
/// by one row shifts every position down, so T' = T - (S - y_old) + (N-1) y_new. Both are recomputed from the ring
/// when it wraps, bounding rounding drift.
/// </summary>
internal sealed class TrendState(int slot, int window) : FeatureState
{
    private readonly double[] _buffer = new double[window];
    private readonly double _sumPositions = window * (window - 1) / 2.0;
    private readonly double _positionSpread = (double)window * window * ((double)window * window - 1) / 12.0;
    private int _next;
    private int _count;
    private double _sum;
    private double _weighted;

    public override double Next(double[] slots)
    {
        var value = slots[slot];
        var n = _buffer.Length;
        if (_count == n)
        {
            var old = _buffer[_next];
            _weighted = _weighted - (_sum - old) + (n - 1) * value;
            _sum = _sum - old + value;
        }
        else
        {
            _weighted += _count * value;
            _sum += value;
            _count++;
        }
        _buffer[_next] = value;
        if (++_next == n)
        {
            _next = 0;
            if (_count == n) Refresh();
        }
        if (_count < n) return double.NaN;
        return (n * _weighted - _sumPositions * _sum) / _positionSpread;
    }

    private void Refresh()
    {
        // The ring has just wrapped, so position i of the window is buffer index i.
        _sum = 0;
        _weighted = 0;
        for (var i = 0; i < _buffer.Length; i++)
        {
            _sum += _buffer[i];
            _weighted += i * _buffer[i];
        }
    }

    public override void Reset()
    {
        _next = 0;
        _count = 0;
        _sum = 0;
        _weighted = 0;
    }
}

/// <summary>
/// Order imbalance and bid pressure (from the mean bid and ask depth over N rows) and trade-flow imbalance
/// (buy volume over buy plus sell volume, summed over N rows).
/// </summary>
internal sealed class TwoSidedState(int[] inputs, int window, FeatureKind kind) : FeatureState
{
    private readonly RollingSum _first = new(window);
    private readonly RollingSum _second = new(window);

    public override double Next(double[] slots)
    {
        _first.Push(slots[inputs[0]]);
        _second.Push(slots[inputs[1]]);
        if (!_first.Full) return double.NaN;
        return kind switch
        {
            FeatureKind.OrderImbalance => Divide(_first.Mean - _second.Mean, _first.Mean + _second.Mean),
            FeatureKind.BidPressure => Divide(_first.Mean, _first.Mean + _second.Mean),
            _ => Divide(_first.Sum, _first.Sum + _second.Sum),
        };
    }

    public override void Reset()
    {
        _first.Reset();
        _second.Reset();
    }
}
