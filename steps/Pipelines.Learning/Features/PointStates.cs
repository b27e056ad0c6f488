namespace Pipelines.Learning.Features;

/// <summary>The input value itself.</summary>
internal sealed class ValueState(int slot) : FeatureState
{
    public override double Next(double[] slots) => slots[slot];

    public override void Reset() { }
}

/// <summary>Features of the current row only: dollar volume, range and spread in bps, mid, microprice, product, ratio.</summary>
internal sealed class PointState(int[] inputs, FeatureKind kind) : FeatureState
{
    public override double Next(double[] slots) => kind switch
    {
        FeatureKind.DollarVolume or FeatureKind.Product => slots[inputs[0]] * slots[inputs[1]],
        FeatureKind.Ratio => Divide(slots[inputs[0]], slots[inputs[1]]),
        FeatureKind.RangeBps => Divide(slots[inputs[0]] - slots[inputs[1]], slots[inputs[2]]) * 10000.0,
        FeatureKind.SpreadBps => Divide(slots[inputs[1]] - slots[inputs[0]], (slots[inputs[1]] + slots[inputs[0]]) / 2.0) * 10000.0,
        FeatureKind.Mid => (slots[inputs[0]] + slots[inputs[1]]) / 2.0,
        FeatureKind.Microprice => Divide(slots[inputs[0]] * slots[inputs[3]] + slots[inputs[1]] * slots[inputs[2]], slots[inputs[2]] + slots[inputs[3]]),
        _ => throw new InvalidOperationException($"{kind} is not a point feature"),
    };

    public override void Reset() { }
}

/// <summary>Returns, log returns and rate of change against the value k rows back, kept in a ring of k.</summary>
internal sealed class LagState(int slot, int lag, FeatureKind kind) : FeatureState
{
    private readonly double[] _past = new double[lag];
    private int _next;
    private int _count;

    public override double Next(double[] slots)
    {
        var value = slots[slot];
        var result = double.NaN;
        if (_count == _past.Length)
        {
            var ratio = Divide(value, _past[_next]);
            result = kind switch
            {
                FeatureKind.Return => ratio - 1.0,
                FeatureKind.LogReturn => Math.Log(ratio),
                _ => 100.0 * (ratio - 1.0),
            };
        }
        else
        {
            _count++;
        }
        _past[_next] = value;
        if (++_next == _past.Length) _next = 0;
        return result;
    }

    public override void Reset()
    {
        _next = 0;
        _count = 0;
    }
}
