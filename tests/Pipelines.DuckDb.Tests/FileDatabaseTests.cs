using System.Diagnostics;

namespace Pipelines.DuckDb.Tests;

public sealed class FileDatabaseTests
{
    [Fact]
    public void ReopenedFileKeepsItsData()
    {
        using var directory = new TemporaryDirectory();
        var path = directory.File("runs.duckdb");
        using (var database = DuckDbDatabase.Open(path))
        using (var connection = database.Connect())
        {
            connection.Execute("CREATE TABLE t (v VARCHAR)");
            connection.ExecuteNonQuery("INSERT INTO t VALUES ($1)", "persisted");
        }

        using (var database = DuckDbDatabase.Open(path))
        using (var connection = database.Connect())
        {
            Assert.Equal("persisted", connection.Scalar<string>("SELECT v FROM t"));
        }
    }

    [Fact]
    public void ReadOnlyAccessModeRefusesWrites()
    {
        using var directory = new TemporaryDirectory();
        var path = directory.File("ro.duckdb");
        using (var database = DuckDbDatabase.Open(path))
        using (var connection = database.Connect())
        {
            connection.Execute("CREATE TABLE t (v INTEGER); INSERT INTO t VALUES (7)");
        }

        using var readOnly = DuckDbDatabase.Open(path, new Dictionary<string, string> { ["access_mode"] = "READ_ONLY" });
        using var reader = readOnly.Connect();
        Assert.Equal(7L, reader.Scalar<long>("SELECT v FROM t"));
        var error = Assert.Throws<DuckDbException>(() => reader.Execute("INSERT INTO t VALUES (8)"));
        Assert.Contains("read-only", error.Message);
    }

    [Fact]
    public void ConfigSettingsApply()
    {
        using var database = DuckDbDatabase.Open(":memory:", new Dictionary<string, string> { ["threads"] = "3" });
        using var connection = database.Connect();
        Assert.Equal(3L, connection.Scalar<long>("SELECT current_setting('threads')"));
    }

    [Fact]
    public void SecondOpenInTheSameProcessIsRefusedUnlessAllAreReadOnly()
    {
        // DuckDB's fcntl lock does not exclude the owning process, and DuckDB 1.5 itself lets a second instance
        // open the same file read-write in one process; the binding refuses that so two writers never share a file.
        using var directory = new TemporaryDirectory();
        var path = directory.File("twice.duckdb");
        var readOnly = new Dictionary<string, string> { ["access_mode"] = "READ_ONLY" };
        using (var writer = DuckDbDatabase.Open(path))
        {
            var error = Assert.Throws<DuckDbException>(() => DuckDbDatabase.Open(path));
            Assert.Equal(DuckDbErrorType.IO, error.ErrorType);
            Assert.Contains("already open read-write in this process", error.Message);
            Assert.Throws<DuckDbException>(() => DuckDbDatabase.Open(path, readOnly));
        }

        using (var firstReader = DuckDbDatabase.Open(path, readOnly))
        using (var secondReader = DuckDbDatabase.Open(path, readOnly))
        {
            Assert.Throws<DuckDbException>(() => DuckDbDatabase.Open(path));
        }

        using var reopened = DuckDbDatabase.Open(path);
    }

    [Fact]
    public void FileLockedByAnotherProcessGivesDuckDbsLockError()
    {
        using var directory = new TemporaryDirectory();
        var path = directory.File("locked.duckdb");
        using var holder = StartLockHolder(path);
        try
        {
            Assert.Equal("ready", holder.StandardOutput.ReadLine());

            var error = Assert.Throws<DuckDbException>(() => DuckDbDatabase.Open(path));
            Assert.Equal(DuckDbErrorType.IO, error.ErrorType);
            Assert.Contains("Could not set lock on file", error.Message);
            Assert.Contains(path, error.Message);
        }
        finally
        {
            holder.StandardInput.Close();
            holder.WaitForExit();
        }

        // Once the other process is gone the file opens normally.
        using var database = DuckDbDatabase.Open(path);
    }

    private static Process StartLockHolder(string path)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(typeof(LockHolderProgram).Assembly.Location);
        start.ArgumentList.Add("hold-lock");
        start.ArgumentList.Add(path);
        return Process.Start(start) ?? throw new InvalidOperationException("Could not start the lock-holding process.");
    }
}
