namespace Pipelines.Learning.Features;

/// <summary>
/// Mean and sample variance of the last N values in O(1) per value: Welford's update, extended to replace
/// the oldest value when the window is full. The moments are recomputed by two passes over the buffer each time
/// the ring wraps, so the sliding updates' rounding stays bounded over any stream length (amortised O(1)).
/// </summary>
internal sealed class RollingMoments(int window)
{
    private readonly double[] _buffer = new double[window];
    private int _next;
    private int _count;
    private double _mean;
    private double _m2;

    public bool Full => _count == _buffer.Length;
    public double Mean => _mean;
    public double SampleVariance => _count > 1 ? Math.Max(_m2, 0) / (_count - 1) : double.NaN;

    public void Push(double value)
    {
        if (Full)
        {
            var old = _buffer[_next];
            var mean = _mean + (value - old) / _count;
            _m2 += (value - old) * (value - mean + old - _mean);
            _mean = mean;
        }
        else
        {
            _count++;
            var delta = value - _mean;
            _mean += delta / _count;
            _m2 += delta * (value - _mean);
        }
        _buffer[_next] = value;
        if (++_next == _buffer.Length)
        {
            _next = 0;
            if (Full) Refresh();
        }
    }

    public void Reset()
    {
        _next = 0;
        _count = 0;
        _mean = 0;
        _m2 = 0;
    }

    private void Refresh()
    {
        var sum = 0.0;
        foreach (var value in _buffer) sum += value;
        var mean = sum / _buffer.Length;
        var m2 = 0.0;
        foreach (var value in _buffer) m2 += (value - mean) * (value - mean);
        _mean = mean;
        _m2 = m2;
    }
}
