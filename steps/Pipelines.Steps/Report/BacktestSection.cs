using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Pipelines.Steps.Tables;

namespace Pipelines.Steps.Report;

/// <summary>
/// The report's account of a backtest/signal run, drawn only from what the backtest wrote: the figures beside
/// buy-and-hold with their intervals and the sample each rests on, every fold, the equity and drawdown curves and the
/// returns table. The report invents no signal of its own.
/// </summary>
internal static class BacktestSection
{
    public static string Render(JsonNode metrics, JsonNode curves, string returnsParquet)
    {
        var m = metrics["holdout"] ?? throw new FormatException("no \"holdout\" figures");
        var html = new StringBuilder();
        html.Append("<p>").Append(SvgCharts.Encode((string?)metrics["sample"] ?? "")).Append("</p>");
        var policy = metrics["policy"];
        html.Append("<p class=\"meta\">").Append(SvgCharts.Encode(F(
            $"Policy: long above {Text(policy?["long_above"])}, short below {Text(policy?["short_below"])}, at most {Text(policy?["max_position"])} of equity; costs {Text(policy?["fee_bps"])} bps fee + {Text(policy?["slippage_bps"])} bps slippage per unit traded{(policy?["spread_column"] is null ? "" : ", plus half the spread")}; each signal fills at the next row's price. Intervals: ")))
            .Append(SvgCharts.Encode((string?)metrics["bootstrap"] ?? "")).Append(".</p>");

        var sample = F($"{Int(m["bars"])} bars, {Num(m["days"], "0.##")} days, {Int(m["trades"])} trades");
        html.Append("<table><tr><th>figure</th><th>strategy</th><th>interval</th><th>buy and hold</th><th>sample</th></tr>");
        void Row(string name, string value, string interval, string hold) =>
            html.Append("<tr><th>").Append(name).Append("</th><td>").Append(value).Append("</td><td>").Append(interval).Append("</td><td>").Append(hold)
                .Append("</td><td>").Append(sample).Append("</td></tr>");
        Row("Sharpe", Num(m["sharpe"], "0.##"), F($"[{Num(m["sharpe_lower"], "0.##")}, {Num(m["sharpe_upper"], "0.##")}]"), Num(m["buy_and_hold_sharpe"], "0.##"));
        Row("annual return", Pct(m["annual_return"]), F($"[{Pct(m["annual_return_lower"])}, {Pct(m["annual_return_upper"])}]"), Pct(m["buy_and_hold_annual_return"]));
        Row("Sortino", Num(m["sortino"], "0.##"), "", "");
        Row("max drawdown", Pct(m["max_drawdown"]), "", Pct(m["buy_and_hold_max_drawdown"]));
        Row("win rate", Pct(m["win_rate"]), "", "");
        Row("profit factor", Num(m["profit_factor"], "0.##"), "", "");
        Row("turnover per bar", Num(m["turnover"], "0.####"), "", "");
        Row("exposure", Pct(m["exposure"]), "", "");
        html.Append("</table>");

        if (metrics["walk_forward"]?["per_fold"]?.AsArray() is { Count: > 1 } folds)
        {
            html.Append("<h3>Per fold</h3><table><tr><th>fold</th><th>bars</th><th>days</th><th>trades</th><th>Sharpe</th><th>annual return</th><th>max drawdown</th><th>buy and hold</th></tr>");
            foreach (var f in folds)
                html.Append(F($"<tr><th>{Int(f!["fold"])}</th><td>{Int(f["bars"])}</td><td>{Num(f["days"], "0.##")}</td><td>{Int(f["trades"])}</td>"))
                    .Append(F($"<td>{Num(f["sharpe"], "0.##")} [{Num(f["sharpe_lower"], "0.##")}, {Num(f["sharpe_upper"], "0.##")}]</td>"))
                    .Append(F($"<td>{Pct(f["annual_return"])} [{Pct(f["annual_return_lower"])}, {Pct(f["annual_return_upper"])}]</td><td>{Pct(f["max_drawdown"])}</td><td>{Pct(f["buy_and_hold_annual_return"])}</td></tr>"));
            html.Append("</table>");
        }

        var bars = curves["bars"]?.AsArray() ?? [];
        var start = curves["start_time_ms"]?.GetValue<double>() ?? 0;
        var step = Math.Max(1, bars.Count / 800);
        var equity = new List<(double, double)> { (0, 1) };
        var hold = new List<(double, double)> { (0, 1) };
        var drawdown = new List<(double, double)> { (0, 0) };
        for (var i = 0; i < bars.Count; i++)
        {
            if (i % step != 0 && i != bars.Count - 1) continue;
            var b = bars[i]!;
            var day = (b["time_ms"]!.GetValue<double>() - start) / 86_400_000.0;
            equity.Add((day, b["equity"]!.GetValue<double>()));
            hold.Add((day, b["buy_and_hold_equity"]!.GetValue<double>()));
            drawdown.Add((day, -b["drawdown"]!.GetValue<double>()));
        }
        html.Append("<h3>Equity</h3>").Append(SvgCharts.Lines([("strategy, after costs", "#3b7dd8", equity), ("buy and hold", "#999", hold)], "days from the first bar", "equity"));
        html.Append("<h3>Drawdown</h3>").Append(SvgCharts.Lines([("drawdown from the peak", "#c62828", drawdown)], "days from the first bar", "drawdown"));

        html.Append("<h3>Returns by period</h3><table><tr><th>period</th><th>bars</th><th>trades</th><th>strategy</th><th>buy and hold</th></tr>");
        using (var connection = ParquetTableWriter.OpenScratch())
        {
            foreach (var row in connection.Rows($"SELECT period, bars, trades, strategy_return, buy_and_hold_return FROM read_parquet({SqlText.Literal(returnsParquet)}) ORDER BY period"))
                html.Append(F($"<tr><th>{SvgCharts.Encode((string)row[0]!)}</th><td>{(long)row[1]!}</td><td>{(long)row[2]!}</td><td>{Pct((double)row[3]!)}</td><td>{Pct((double)row[4]!)}</td></tr>"));
        }
        return html.Append("</table>").ToString();
    }

    private static string Text(JsonNode? value) => value is null ? "none" : value.ToJsonString();

    private static string Int(JsonNode? value) => value is null ? "" : value.GetValue<double>().ToString("0", CultureInfo.InvariantCulture);

    private static string Num(JsonNode? value, string format) => value is null ? "" : value.GetValue<double>().ToString(format, CultureInfo.InvariantCulture);

    private static string Pct(JsonNode? value) => value is null ? "" : Pct(value.GetValue<double>());

    private static string Pct(double value) => (value * 100).ToString("0.##", CultureInfo.InvariantCulture) + " %";

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
