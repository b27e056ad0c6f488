namespace Pipelines.Steps.Labels;

/// <summary>What a label measures about the rows after the current one.</summary>
public enum LabelKind
{
    /// <summary>Return of the price column over the next <c>horizon</c> rows (simple, or log with <c>log: true</c>).</summary>
    ForwardReturn,
    /// <summary>Sample standard deviation of the next <c>horizon</c> one-row log returns, optionally annualised.</summary>
    ForwardVolatility,
    /// <summary>Sign of the forward return: 1 above the dead band, -1 below its negative, 0 inside.</summary>
    Direction,
    /// <summary>Quantile class of another label or column, with cut points fitted on the fit rows only.</summary>
    Regime,
    /// <summary>1 when a limit order <c>distance_bps</c> from the close would fill within <c>horizon</c> rows, else 0.</summary>
    Fill,
}
