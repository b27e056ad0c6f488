namespace Pipelines.DuckDb;

/// <summary>An error reported by DuckDB (its own message text) or a misuse detected before calling it.</summary>
public sealed class DuckDbException : Exception
{
    public DuckDbException(string message, DuckDbErrorType errorType = DuckDbErrorType.Invalid)
        : base(message)
    {
        ErrorType = errorType;
    }

    /// <summary>DuckDB's error class when the C API reports one; <see cref="DuckDbErrorType.Invalid"/> otherwise.</summary>
    public DuckDbErrorType ErrorType { get; }
}
