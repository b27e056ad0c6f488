namespace Pipelines.Steps.Inference;

/// <summary>Why the tick loop skipped a tick. The values index the loop's counters.</summary>
public enum TickRejection
{
    NonFinitePrice,
    NonPositivePrice,
    NonFiniteQuantity,
    NonPositiveQuantity,
    DuplicateTradeId,
    OutOfOrderTradeId,
}
