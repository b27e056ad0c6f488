using Pipelines.DuckDb.Native;

namespace Pipelines.DuckDb;

/// <summary>
/// An open DuckDB database (a file or in-memory). Thread-safe: connections may be opened from any thread.
/// DuckDB lets one process at a time open a file read-write; another process gets DuckDB's lock error as a
/// <see cref="DuckDbException"/> (<see cref="DuckDbErrorType.IO"/>, message containing "Could not set lock").
/// Within this process a file may be opened once read-write, or any number of times read-only; a conflicting
/// second open is refused the same way. Dispose connections before the database: the file is released when the
/// last of them closes.
/// </summary>
public sealed unsafe class DuckDbDatabase : IDisposable
{
    private readonly DatabaseHandle _handle;
    private readonly string? _registeredFile;
    private readonly bool _readOnly;
    private int _disposed;

    private DuckDbDatabase(DatabaseHandle handle, string path, string? registeredFile, bool readOnly)
    {
        _handle = handle;
        Path = path;
        _registeredFile = registeredFile;
        _readOnly = readOnly;
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
        var inMemory = path.Length == 0 || path == ":memory:";
        var readOnly = config is not null && config.TryGetValue("access_mode", out var mode)
            && string.Equals(mode, "READ_ONLY", StringComparison.OrdinalIgnoreCase);
        var registeredFile = inMemory ? null : System.IO.Path.GetFullPath(path);
        if (registeredFile is not null)
        {
            OpenFileRegistry.Register(registeredFile, readOnly);
        }

        var nativeConfig = IntPtr.Zero;
        var opened = false;
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

            var nativePath = inMemory ? null : path;
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

            opened = true;
            return new DuckDbDatabase(new DatabaseHandle(raw), path, registeredFile, readOnly);
        }
        finally
        {
            if (!opened && registeredFile is not null)
            {
                OpenFileRegistry.Unregister(registeredFile, readOnly);
            }

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

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _handle.Dispose();
        if (_registeredFile is not null)
        {
            OpenFileRegistry.Unregister(_registeredFile, _readOnly);
        }
    }
}
