namespace Pipelines.Learning.Features;

/// <summary>
/// Sum of the last N values in O(1) per value. Adding and removing with Neumaier compensation keeps the error
/// at a few ulps between refreshes; each time the ring wraps the sum is recomputed from the buffer, so rounding
/// never accumulates across the whole stream (amortised O(1)).
/// </summary>
internal sealed class RollingSum(int window)
{
    private readonly double[] _buffer = new double[window];
    private int _next;
    private int _count;
    private double _sum;
    private double _compensation;

    public int Window => _buffer.Length;
    public bool Full => _count == _buffer.Length;
    public double Sum => _sum + _compensation;
    public double Mean => Sum / _buffer.Length;

    public void Push(double value)
    {
        if (Full) Add(-_buffer[_next]);
        else _count++;
        _buffer[_next] = value;
        Add(value);
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
        _sum = 0;
        _compensation = 0;
    }

    private void Refresh()
    {
        _sum = 0;
        _compensation = 0;
        foreach (var value in _buffer) Add(value);
    }

    private void Add(double value)
    {
        var total = _sum + value;
        _compensation += Math.Abs(_sum) >= Math.Abs(value) ? (_sum - total) + value : (value - total) + _sum;
        _sum = total;
    }
}
