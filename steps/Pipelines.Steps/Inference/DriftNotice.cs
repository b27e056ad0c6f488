namespace Pipelines.Steps.Inference;

/// <summary>ADWIN cut a feature's window at a trade: what the background writer turns into a drift event.</summary>
internal readonly record struct DriftNotice(int Feature, long TradeId, int ModelVersion, double WindowMean, long WindowWidth);
