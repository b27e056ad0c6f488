namespace Pipelines.Learning.Features;

/// <summary>EMA with alpha = 2/(N+1), no bias adjustment: the first value is the first input, then e += alpha (x - e).</summary>
internal sealed class EmaState(int slot, int window) : FeatureState
{
    private readonly double _alpha = 2.0 / (window + 1);
    private double _ema = double.NaN;

    public override double Next(double[] slots)
    {
        var value = slots[slot];
        _ema = double.IsNaN(_ema) ? value : _ema + _alpha * (value - _ema);
        return _ema;
    }

    public override void Reset() => _ema = double.NaN;
}

/// <summary>
/// Wilder's RSI: the first average gain and loss are the plain means of the first N changes (so the first value
/// is at row N); afterwards avg = (avg (N-1) + change) / N. With no losses RSI is 100, with no moves at all 50.
/// </summary>
internal sealed class RsiState(int slot, int window) : FeatureState
{
    private double _previous = double.NaN;
    private int _changes;
    private double _gain;
    private double _loss;

    public override double Next(double[] slots)
    {
        var value = slots[slot];
        var previous = _previous;
        _previous = value;
        if (double.IsNaN(previous)) return double.NaN;
        var change = value - previous;
        var gain = change > 0 ? change : 0.0;
        var loss = change < 0 ? -change : 0.0;
        _changes++;
        if (_changes <= window)
        {
            _gain += gain;
            _loss += loss;
            if (_changes < window) return double.NaN;
            _gain /= window;
            _loss /= window;
        }
        else
        {
            _gain = (_gain * (window - 1) + gain) / window;
            _loss = (_loss * (window - 1) + loss) / window;
        }
        if (_loss == 0) return _gain == 0 ? 50.0 : 100.0;
        return 100.0 - 100.0 / (1.0 + _gain / _loss);
    }

    public override void Reset()
    {
        _previous = double.NaN;
        _changes = 0;
        _gain = 0;
        _loss = 0;
    }
}

/// <summary>
/// Wilder's ATR over true range (high - low on the first bar, which has no previous close). The first ATR is the
/// mean of the first N true ranges (row N-1); afterwards atr = (atr (N-1) + tr) / N. NATR is 100 atr / close.
/// </summary>
internal sealed class AtrState(int[] inputs, int window, bool normalized) : FeatureState
{
    private double _previousClose = double.NaN;
    private int _bars;
    private double _atr;

    public override double Next(double[] slots)
    {
        double high = slots[inputs[0]], low = slots[inputs[1]], close = slots[inputs[2]];
        var range = high - low;
        if (!double.IsNaN(_previousClose))
            range = Math.Max(range, Math.Max(Math.Abs(high - _previousClose), Math.Abs(low - _previousClose)));
        _previousClose = close;
        _bars++;
        if (_bars <= window)
        {
            _atr += range;
            if (_bars < window) return double.NaN;
            _atr /= window;
        }
        else
        {
            _atr = (_atr * (window - 1) + range) / window;
        }
        return normalized ? Divide(_atr, close) * 100.0 : _atr;
    }

    public override void Reset()
    {
        _previousClose = double.NaN;
        _bars = 0;
        _atr = 0;
    }
}
