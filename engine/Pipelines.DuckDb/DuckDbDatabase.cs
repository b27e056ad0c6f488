using Pipelines.DuckDb.Native;

namespace Pipelines.DuckDb;

/// <summary>
/// An open DuckDB database (a file or in-memory). Thread-safe: connections may be opened from any thread.
/// DuckDB lets one process at a time open a file read-write; another process gets DuckDB's lock error as a
/// <see cref="DuckDbException"/> (<see cref="DuckDbErrorType.IO"/>, message containing "Could not set lock").
/// Dispose connections before the database: the file is released when the last of them closes.
/// </summary>
public sealed unsafe class DuckDbDatabase : IDisposable
{
    private readonly DatabaseHandle _handle;

    private DuckDbDatabase(DatabaseHandle handle, string path)
    {
        _handle = handle;
        Path = path;
    }

    /// <summary>The path given to <see cref="Open"/> ("" or ":memory:" for in-memory).</summary>
    public string Path { get; }

    /// <summary>The version of the loaded libduckdb, e.g. "v1.5.6".</summary>
    public static string LibraryVersion => NativeMethods.ReadUtf8(NativeMethods.LibraryVersion()) ?? string.Empty;

    /// <summary>
    /// Opens (creating if needed) the database at <paramref name="path"/>; "" or ":memory:" opens an in-memory one.
    /// <paramref name="config"/> holds DuckDB settings such as threads=2 or access_mode=READ_ONLY.
    /// </summary>
    public static DuckDbDatabase Open(string path, IReadOnlyDictionary<string, string>? config = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var nativeConfig = IntPtr.Zero;
        try
        {
            if (config is { Count: > 0 })
            {
                if (NativeMethods.CreateConfig(out nativeConfig) != NativeMethods.Success)
                {
                    throw new DuckDbException("DuckDB could not create a configuration.");
                }

                foreach (var (name, value) in config)
                {
                    if (NativeMethods.SetConfig(nativeConfig, name, value) != NativeMethods.Success)
                    {
                        throw new DuckDbException(
                            $"Invalid DuckDB setting {name}={value}: unknown option or value.", DuckDbErrorType.InvalidConfiguration);
                    }
                }
            }

            var nativePath = path.Length == 0 || path == ":memory:" ? null : path;
            if (NativeMethods.OpenExt(nativePath, out var raw, nativeConfig, out var error) != NativeMethods.Success)
            {
                var message = NativeMethods.ReadUtf8(error) ?? "unknown error";
                NativeMethods.Free(error);
                var handle = new DatabaseHandle(raw);
                handle.Dispose();
                throw new DuckDbException(
                    $"Cannot open DuckDB database '{path}': {message}",
                    message.StartsWith("IO Error", StringComparison.Ordinal) ? DuckDbErrorType.IO : DuckDbErrorType.Invalid);
            }

            return new DuckDbDatabase(new DatabaseHandle(raw), path);
        }
        finally
        {
            if (nativeConfig != IntPtr.Zero)
            {
                NativeMethods.DestroyConfig(ref nativeConfig);
            }
        }
    }

    public DuckDbConnection Connect()
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        if (NativeMethods.Connect(_handle.DangerousGetHandle(), out var raw) != NativeMethods.Success)
        {
            new ConnectionHandle(raw).Dispose();
            throw new DuckDbException($"Cannot connect to DuckDB database '{Path}'.", DuckDbErrorType.Connection);
        }

        return new DuckDbConnection(new ConnectionHandle(raw));
    }

    public void Dispose() => _handle.Dispose();
}
