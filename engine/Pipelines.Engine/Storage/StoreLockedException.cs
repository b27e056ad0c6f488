namespace Pipelines.Engine.Storage;

/// <summary>Another process holds the store for writing and did not let go within the configured wait.</summary>
public sealed class StoreLockedException(string message, Exception inner) : Exception(message, inner);
