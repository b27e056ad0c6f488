namespace Pipelines.Steps.Labels;

/// <summary>The side of the limit order a fill label asks about.</summary>
public enum OrderSide
{
    /// <summary>A bid below the close, filled when a later low reaches it.</summary>
    Buy,
    /// <summary>An offer above the close, filled when a later high reaches it.</summary>
    Sell,
}
