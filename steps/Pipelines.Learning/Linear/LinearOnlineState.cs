namespace Pipelines.Learning.Linear;

/// <summary>
/// What an online update continues from. Ridge keeps its sufficient statistics — the Gram matrix AᵀA and the
/// moment Aᵀy of the design A = [1, z] — so new rows are added exactly. Logistic keeps the current averaged-SGD
/// iterate (the model's weights are the running average of the iterates).
/// </summary>
public sealed class LinearOnlineState
{
    private LinearOnlineState(double[]? gram, double[]? moment, double[]? iterate)
    {
        Gram = gram;
        Moment = moment;
        Iterate = iterate;
    }

    /// <summary>Ridge: AᵀA, row-major (features + 1)², intercept first.</summary>
    public double[]? Gram { get; }

    /// <summary>Ridge: Aᵀy, intercept first.</summary>
    public double[]? Moment { get; }

    /// <summary>Logistic: the SGD iterate, intercept first.</summary>
    public double[]? Iterate { get; }

    public static LinearOnlineState ForRidge(double[] gram, double[] moment) =>
        new(gram ?? throw new ArgumentNullException(nameof(gram)), moment ?? throw new ArgumentNullException(nameof(moment)), null);

    public static LinearOnlineState ForLogistic(double[] iterate) =>
        new(null, null, iterate ?? throw new ArgumentNullException(nameof(iterate)));

    internal void Validate(LinearObjective objective, int features)
    {
        var size = features + 1;
        if (objective == LinearObjective.Ridge)
        {
            if (Gram is null || Moment is null) throw new ArgumentException("a ridge model needs its Gram matrix and moment");
            if (Gram.Length != size * size) throw new ArgumentException($"the Gram matrix has {Gram.Length} entries, expected {size * size}");
            if (Moment.Length != size) throw new ArgumentException($"the moment has {Moment.Length} entries, expected {size}");
            if (Gram.Any(v => !double.IsFinite(v)) || Moment.Any(v => !double.IsFinite(v))) throw new ArgumentException("the sufficient statistics must be finite");
        }
        else
        {
            if (Iterate is null) throw new ArgumentException("a logistic model needs its SGD iterate");
            if (Iterate.Length != size) throw new ArgumentException($"the iterate has {Iterate.Length} entries, expected {size}");
            if (Iterate.Any(v => !double.IsFinite(v))) throw new ArgumentException("the iterate must be finite");
        }
    }
}
