namespace Pipelines.Steps.Ingest.Binance;

/// <summary>Klines read from a file, in file order.</summary>
/// <param name="HasBinanceColumns">True for Binance dumps (close time, quote volume, trades, taker volumes present);
/// false for generic OHLCV files, whose rows leave those fields empty.</param>
/// <param name="Microseconds">Whether epoch times in the file were microseconds; null when it used text timestamps or had no rows.</param>
public sealed record KlineFile(string Name, List<Kline> Rows, bool HasBinanceColumns, bool? Microseconds);
