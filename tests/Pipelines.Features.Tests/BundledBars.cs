using DuckDB.NET.Data;
using Pipelines.Steps.Tables;

namespace Pipelines.Features.Tests;

/// <summary>The bundled one-minute bars, loaded into a scratch DuckDB, with order-flow columns derived from them.</summary>
internal static class BundledBars
{
    public static string CsvPath
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "samples", "btcusdt-1m-2023-03-01-to-21.csv")))
                directory = directory.Parent;
            return directory is null
                ? throw new FileNotFoundException("samples/btcusdt-1m-2023-03-01-to-21.csv not found above the test directory")
                : Path.Combine(directory.FullName, "samples", "btcusdt-1m-2023-03-01-to-21.csv");
        }
    }

    /// <summary>
    /// Creates view <c>bars</c>: the CSV plus deterministic quote and trade columns (a spread of 1% of the bar
    /// range, depths and buy/sell split by where the close sits in the range), so order-flow features have data.
    /// </summary>
    public static void CreateView(DuckDBConnection connection)
    {
        connection.Execute($"""
            CREATE VIEW bars AS
            SELECT *,
                   close - (high - low) * 0.01 - 0.01 AS bid_price,
                   close + (high - low) * 0.01 + 0.01 AS ask_price,
                   volume * (1.0 + (close - low) / (high - low + 1.0)) AS bid_depth,
                   volume * (1.0 + (high - close) / (high - low + 1.0)) AS ask_depth,
                   volume * (close - low + 0.5) / (high - low + 1.0) AS buy_volume,
                   volume * (high - close + 0.5) / (high - low + 1.0) AS sell_volume
            FROM read_csv({SqlText.Literal(CsvPath)}, header = true)
            """);
    }
}
