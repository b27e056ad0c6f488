namespace Pipelines.Learning.Features;

/// <summary>
/// Book depth over the given levels: Σ q_i (base asset), or Σ p_i·q_i (quote asset) where an empty level (q = 0,
/// its price NaN) adds 0. Summed left to right, in the order the SQL adds its terms, so both give the same double.
/// </summary>
internal sealed class BookDepthState(int[] inputs, bool quote) : FeatureState
{
    public override double Next(double[] slots)
    {
        var sum = 0.0;
        if (!quote)
        {
            sum = slots[inputs[0]];
            for (var i = 1; i < inputs.Length; i++) sum += slots[inputs[i]];
            return sum;
        }
        var levels = inputs.Length / 2;
        sum = Term(slots, inputs[0], inputs[levels]);
        for (var i = 1; i < levels; i++) sum += Term(slots, inputs[i], inputs[levels + i]);
        return sum;
    }

    private static double Term(double[] slots, int price, int quantity)
    {
        var q = slots[quantity];
        return q == 0 ? 0.0 : slots[price] * q;
    }

    public override void Reset() { }
}

/// <summary>
/// Book imbalance and bid pressure: B and A, the row's bid and ask quantity over the given levels, averaged over the
/// last N rows (N = 1: this row's book); imbalance (B̄ − Ā)/(B̄ + Ā), pressure B̄/(B̄ + Ā).
/// </summary>
internal sealed class BookRatioState(int[] inputs, int window, FeatureKind kind) : FeatureState
{
    private readonly RollingSum _bids = new(window);
    private readonly RollingSum _asks = new(window);

    public override double Next(double[] slots)
    {
        var levels = inputs.Length / 2;
        var bid = slots[inputs[0]];
        var ask = slots[inputs[levels]];
        for (var i = 1; i < levels; i++)
        {
            bid += slots[inputs[i]];
            ask += slots[inputs[levels + i]];
        }
        _bids.Push(bid);
        _asks.Push(ask);
        if (!_bids.Full) return double.NaN;
        var b = _bids.Mean;
        var a = _asks.Mean;
        return kind == FeatureKind.BookImbalance ? Divide(b - a, b + a) : Divide(b, b + a);
    }

    public override void Reset()
    {
        _bids.Reset();
        _asks.Reset();
    }
}

/// <summary>
/// Quantity within X bps of the mid: Σ q_i over the levels with |p_i − mid| ≤ mid·X/10,000, mid = (bid + ask)/2;
/// NaN without a mid. The comparison is written as the SQL writes it, so a level on the boundary counts in both.
/// </summary>
internal sealed class DepthWithinBpsState(int[] inputs, int basisPoints) : FeatureState
{
    public override double Next(double[] slots)
    {
        var mid = (slots[inputs[0]] + slots[inputs[1]]) / 2.0;
        if (double.IsNaN(mid)) return double.NaN;
        var limit = mid * basisPoints / 10000.0;
        var levels = (inputs.Length - 2) / 2;
        var sum = 0.0;
        for (var i = 0; i < levels; i++)
        {
            var price = slots[inputs[2 + i]];
            sum += Math.Abs(price - mid) <= limit ? slots[inputs[2 + levels + i]] : 0.0;
        }
        return sum;
    }

    public override void Reset() { }
}
