namespace Pipelines.DuckDb;

/// <summary>
/// Database files open in this process. DuckDB's file lock only excludes other processes, and two instances on
/// one file in the same process can each write it; so a second open is refused unless all opens are read-only.
/// </summary>
internal static class OpenFileRegistry
{
    private static readonly Dictionary<string, (int ReadOnly, bool Writer)> Open = new(StringComparer.Ordinal);
    private static readonly Lock Gate = new();

    public static void Register(string fullPath, bool readOnly)
    {
        lock (Gate)
        {
            Open.TryGetValue(fullPath, out var current);
            if (current.Writer || (!readOnly && current.ReadOnly > 0))
            {
                throw new DuckDbException(
                    $"Cannot open DuckDB database '{fullPath}': it is already open {(current.Writer ? "read-write" : "read-only")} in this process; "
                    + "share that DuckDbDatabase instead (DuckDB allows one writer per file).",
                    DuckDbErrorType.IO);
            }

            Open[fullPath] = readOnly ? (current.ReadOnly + 1, false) : (0, true);
        }
    }

    public static void Unregister(string fullPath, bool readOnly)
    {
        lock (Gate)
        {
            var current = Open[fullPath];
            if (readOnly && current.ReadOnly > 1)
            {
                Open[fullPath] = (current.ReadOnly - 1, false);
            }
            else
            {
                Open.Remove(fullPath);
            }
        }
    }
}
