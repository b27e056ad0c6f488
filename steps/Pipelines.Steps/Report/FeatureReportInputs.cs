using System.Globalization;
using Pipelines.Abstractions;

namespace Pipelines.Steps.Report;

public sealed record FeatureReportInputs : ICheckedInputs
{
    [Input("Rows in any order with a time, a price and the features (e.g. featurize/market's table, or featurize/labels' with a regime label).", Example = "${{ steps.labels.outputs.table }}")]
    public required Artifact Data { get; init; }

    [Input("Features to judge; none: every numeric column but the time, the price and the by column.", Example = "[natr_30, roc_5, trade_flow_imbalance_20]")]
    public IReadOnlyList<string>? Features { get; init; }

    [Input("Column ordering the rows: a timestamp, or a number.")]
    public string TimeColumn { get; init; } = "open_time";

    [Input("Column of the price the forward return is measured on.")]
    public string PriceColumn { get; init; } = "close";

    [Input("Rows ahead of the forward return: price[t + horizon] / price[t] - 1, in time order (the last horizon rows have none).", Example = "60")]
    public required int Horizon { get; init; }

    [Input("Column to group by as well (e.g. the regime label); none: overall only.", Example = "regime")]
    public string? By { get; init; }

    [Input("Fewest rows a correlation is reported on; a group with fewer shows none.")]
    public int MinRows { get; init; } = 30;

    public IEnumerable<InputProblem> Problems()
    {
        if (Horizon < 1) yield return new InputProblem("horizon", Text($"must be at least 1 row ahead, got {Horizon}"));
        if (MinRows < 3) yield return new InputProblem("min_rows", Text($"must be at least 3, got {MinRows}"));
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
