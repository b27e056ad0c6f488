namespace Pipelines.Steps.Backtest;

/// <summary>The calendar period (UTC) a backtest's returns table compounds its per-bar returns over.</summary>
public enum ReturnsPeriod
{
    Month,
    Day,
}
