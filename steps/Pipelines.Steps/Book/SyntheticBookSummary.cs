namespace Pipelines.Steps.Book;

/// <summary>What <see cref="SyntheticBookGenerator.Write"/> produced.</summary>
public sealed record SyntheticBookSummary(string SymbolDirectory, int Segments, long DepthEvents, long ChangedLevels, long Trades, long FirstUpdateId, long LastUpdateId);
