namespace Pipelines.Steps.Inference;

/// <summary>The snake_case names of <see cref="TickRejection"/> used in outputs and logs.</summary>
public static class TickRejectionNames
{
    public static int Count { get; } = Enum.GetValues<TickRejection>().Length;

    public static string Of(TickRejection reason) => reason switch
    {
        TickRejection.NonFinitePrice => "non_finite_price",
        TickRejection.NonPositivePrice => "non_positive_price",
        TickRejection.NonFiniteQuantity => "non_finite_quantity",
        TickRejection.NonPositiveQuantity => "non_positive_quantity",
        TickRejection.DuplicateTradeId => "duplicate_trade_id",
        TickRejection.OutOfOrderTradeId => "out_of_order_trade_id",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, "unknown rejection"),
    };
}
