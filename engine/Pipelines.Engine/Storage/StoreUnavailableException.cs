namespace Pipelines.Engine.Storage;

/// <summary>
/// The store cannot be used as it is: its server cannot be reached or refused the credentials, or its schema is newer than
/// this program knows. Nothing was written. The message names the server, port, database and user, never a password.
/// </summary>
public sealed class StoreUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
