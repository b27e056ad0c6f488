using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Npgsql;

namespace Pipelines.Cluster.Tests.Support;

/// <summary>
/// A real PostgreSQL 15 server for the cluster tests: a fresh cluster (<c>initdb</c>) in a temporary directory owned
/// by <c>postgres</c>, listening on a free loopback port (TCP on 127.0.0.1 only, its Unix socket inside that
/// directory), password authentication (SCRAM) over TCP so tests can also present wrong credentials. Started by
/// <see cref="InitializeAsync"/>; <see cref="DisposeAsync"/> stops it and deletes the directory, also when
/// start-up failed halfway. One per test collection (<see cref="PostgresCollection"/>): tests keep apart by taking a
/// database each (<see cref="CreateDatabaseAsync"/>).
/// </summary>
public sealed class PostgresServer : IAsyncLifetime, IAsyncDisposable
{
    public const string SuperUser = "postgres";

    /// <summary>Every test server's directory is named so under the temporary directory.</summary>
    public const string DirectoryPrefix = "pipelines-pg-";

    /// <summary>The file in <see cref="RootDirectory"/> naming the process that owns the server, see <see cref="OrphanedServers"/>.</summary>
    public const string OwnerFileName = "owner.pid";

    private static readonly TimeSpan CommandBound = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan AcceptBound = TimeSpan.FromSeconds(60);
    private int _databases;
    private bool _disposed;

    public PostgresServer()
    {
        RootDirectory = Path.Combine(Path.GetTempPath(), $"{DirectoryPrefix}{Guid.NewGuid():N}");
        Password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
    }

    /// <summary>The temporary directory holding everything: the cluster, the socket, the log. Gone after dispose.</summary>
    public string RootDirectory { get; }

    public string DataDirectory => Path.Combine(RootDirectory, "data");

    public string SocketDirectory => Path.Combine(RootDirectory, "socket");

    public string LogFile => Path.Combine(RootDirectory, "server.log");

    public string BinDirectory { get; private set; } = PostgresBinaries.DebianDirectory;

    /// <summary>The loopback TCP port the server listens on; 0 until started.</summary>
    public int Port { get; private set; }

    /// <summary>The postmaster's process id; 0 until started.</summary>
    public int ProcessId { get; private set; }

    /// <summary>The superuser's password, random per server.</summary>
    public string Password { get; }

    /// <summary>A connection string for <paramref name="database"/> on this server, as the superuser, over TCP.</summary>
    public string ConnectionString(string database = "postgres") => new NpgsqlConnectionStringBuilder
    {
        Host = IPAddress.Loopback.ToString(),
        Port = Port,
        Database = database,
        Username = SuperUser,
        Password = Password,
        // Short, so a test against a stopped or restarted server hears about it quickly.
        Timeout = 5,
    }.ConnectionString;

    /// <summary>
    /// Creates an empty database with a name of its own (<paramref name="prefix"/> and a number) and returns the
    /// connection string for it: what one test takes so it sees no other test's tables.
    /// </summary>
    public async Task<string> CreateDatabaseAsync(string prefix = "test")
    {
        if (!IsIdentifier(prefix)) throw new ArgumentException($"'{prefix}' is not a lowercase identifier", nameof(prefix));
        var name = $"{prefix}_{Interlocked.Increment(ref _databases)}";
        await using var connection = new NpgsqlConnection(ConnectionString());
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await create.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    public async Task InitializeAsync()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            BinDirectory = await PostgresBinaries.LocateAsync();
            await OrphanedServers.StopAndDeleteAsync(BinDirectory);
            // A test host stopped by Ctrl+C or SIGTERM never reaches DisposeAsync; its exit still stops the server.
            AppDomain.CurrentDomain.ProcessExit += StopOnExit;
            await CreateClusterAsync();
            await StartAsync(FreeLoopbackPort);
            await WaitUntilAcceptingAsync();
        }
        catch
        {
            // xUnit does not dispose a fixture whose initialization threw; leave no server or directory behind.
            await StopAndDeleteAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        AppDomain.CurrentDomain.ProcessExit -= StopOnExit;
        await StopAndDeleteAsync();
    }

    /// <summary>
    /// Stops the server (fast shutdown: sessions are ended, committed data kept) and starts it again on the same
    /// port and data, for tests of what clients do when PostgreSQL goes away and comes back. It disturbs everyone
    /// connected, so such a test starts a server of its own rather than restarting the collection's.
    /// </summary>
    public async Task RestartAsync(TimeSpan downtime = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        NpgsqlConnection.ClearAllPools();
        await Require(ExternalCommand.RunAsPostgresAsync(Path.Combine(BinDirectory, "pg_ctl"),
            ["-D", DataDirectory, "-m", "fast", "-w", "-t", "30", "stop"], CommandBound), "pg_ctl stop");
        if (downtime > TimeSpan.Zero) await Task.Delay(downtime);
        var port = Port;
        await StartAsync(() => port, attempts: 1);
        await WaitUntilAcceptingAsync();
    }

    private void StopOnExit(object? sender, EventArgs e) => StopAndDeleteAsync().GetAwaiter().GetResult();

    async ValueTask IAsyncDisposable.DisposeAsync() => await DisposeAsync();

    private async Task CreateClusterAsync()
    {
        if (!OperatingSystem.IsLinux())
            throw new PlatformNotSupportedException("the cluster tests start Debian's PostgreSQL 15 and need Linux");
        Directory.CreateDirectory(RootDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        await File.WriteAllTextAsync(Path.Combine(RootDirectory, OwnerFileName), Environment.ProcessId.ToString());
        Directory.CreateDirectory(SocketDirectory);
        var passwordFile = Path.Combine(RootDirectory, "password");
        await File.WriteAllTextAsync(passwordFile, Password);
        if (ExternalCommand.IsRoot)
            await Require(ExternalCommand.RunAsync("chown", ["-R", $"{SuperUser}:{SuperUser}", RootDirectory], CommandBound), "chown");

        await Require(ExternalCommand.RunAsPostgresAsync(Path.Combine(BinDirectory, "initdb"),
        [
            "-D", DataDirectory, "-U", SuperUser, "--pwfile", passwordFile,
            "--auth-host=scram-sha-256", "--auth-local=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync",
        ], CommandBound), "initdb");
        File.Delete(passwordFile);
    }

    private async Task StartAsync(Func<int> choosePort, int attempts = 3)
    {
        // Another process may take the free port between our look and the server's bind: try a few ports.
        for (var attempt = 1; ; attempt++)
        {
            Port = choosePort();
            // fsync off: a test server's data need not survive a power loss, and the machine's disk is shared.
            // A killed server still loses nothing committed, which the restart tests rely on.
            var options = $"-p {Port} -k {SocketDirectory} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off";
            var start = await ExternalCommand.RunAsPostgresAsync(Path.Combine(BinDirectory, "pg_ctl"),
                ["-D", DataDirectory, "-l", LogFile, "-o", options, "-w", "-t", ((int)AcceptBound.TotalSeconds).ToString(), "start"],
                AcceptBound + CommandBound);
            if (start.Succeeded)
            {
                ProcessId = int.Parse(File.ReadLines(Path.Combine(DataDirectory, "postmaster.pid")).First());
                return;
            }
            if (attempt == attempts)
                throw new InvalidOperationException($"PostgreSQL did not start on 127.0.0.1:{Port}: {start.Output}\n{LogTail()}");
        }
    }

    private async Task WaitUntilAcceptingAsync()
    {
        var deadline = DateTime.UtcNow + AcceptBound;
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(ConnectionString());
                await connection.OpenAsync();
                return;
            }
            catch (Exception error) when (error is NpgsqlException or SocketException or TimeoutException && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    private async Task StopAndDeleteAsync()
    {
        // Pooled idle connections would only be terminated by the server; drop ours first.
        NpgsqlConnection.ClearAllPools();
        await StopAndDeleteAsync(BinDirectory, RootDirectory, ProcessId);
    }

    /// <summary>Stops the server whose cluster lives under <paramref name="rootDirectory"/> and deletes the directory.</summary>
    internal static async Task StopAndDeleteAsync(string binDirectory, string rootDirectory, int processId)
    {
        var dataDirectory = Path.Combine(rootDirectory, "data");
        var postmasterPid = Path.Combine(dataDirectory, "postmaster.pid");
        if (File.Exists(postmasterPid))
        {
            if (processId == 0 && int.TryParse(File.ReadLines(postmasterPid).FirstOrDefault(), out var recorded)) processId = recorded;
            var pgCtl = Path.Combine(binDirectory, "pg_ctl");
            var fast = await ExternalCommand.RunAsPostgresAsync(pgCtl, ["-D", dataDirectory, "-m", "fast", "-w", "-t", "30", "stop"], CommandBound);
            if (!fast.Succeeded)
                await ExternalCommand.RunAsPostgresAsync(pgCtl, ["-D", dataDirectory, "-m", "immediate", "-w", "-t", "30", "stop"], CommandBound);
        }
        // Whatever pg_ctl said, no server of ours outlives the fixture.
        if (processId != 0 && IsAlive(processId))
        {
            try { System.Diagnostics.Process.GetProcessById(processId).Kill(entireProcessTree: true); }
            catch (ArgumentException) { /* already gone */ }
        }
        if (Directory.Exists(rootDirectory)) Directory.Delete(rootDirectory, recursive: true);
    }

    /// <summary>Whether a process with this id is running (and not a zombie awaiting its parent).</summary>
    public static bool IsAlive(int processId)
    {
        var status = $"/proc/{processId}/status";
        if (!File.Exists(status)) return false;
        try
        {
            return !File.ReadLines(status).Any(line => line.StartsWith("State:") && line.Contains("zombie"));
        }
        catch (IOException) { return false; }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool IsIdentifier(string name) =>
        name.Length is > 0 and <= 40 && char.IsAsciiLetterLower(name[0]) && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_');

    private static async Task Require(Task<ExternalCommand.Result> command, string what)
    {
        var result = await command;
        if (!result.Succeeded) throw new InvalidOperationException($"{what} failed (exit {result.ExitCode}): {result.Output}");
    }

    private string LogTail() =>
        File.Exists(LogFile) ? string.Join('\n', File.ReadLines(LogFile).TakeLast(20)) : "(no server log)";
}
