namespace Pipelines.Engine.Storage;

/// <summary>One versioned change to the store's schema; applied once, in order, inside a transaction.</summary>
public sealed record Migration(int Version, string Description, string Sql);
