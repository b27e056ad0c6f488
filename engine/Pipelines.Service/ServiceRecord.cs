using System.Diagnostics;
using System.Text.Json;

namespace Pipelines.Service;

/// <summary>
/// How the CLI finds the service holding a workspace's store: <c>service.json</c> in the store directory, written
/// when the service listens and removed when it exits. A record whose process is gone (the service was killed) is
/// stale: readers ignore it and remove it.
/// </summary>
/// <param name="Url">The address actually bound, as a client on this machine reaches it.</param>
/// <param name="ApiKey">The key the API requires, when one is set; the file is readable by its owner only.</param>
public sealed record ServiceRecord(string Url, string? ApiKey, int Pid, string Host, DateTimeOffset StartedAt)
{
    public const string FileName = "service.json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static string PathIn(string storeRoot) => Path.Combine(storeRoot, FileName);

    /// <summary>Writes the record atomically: a reader sees the old file or the whole new one, never a part.</summary>
    public void WriteTo(string storeRoot)
    {
        Directory.CreateDirectory(storeRoot);
        var target = PathIn(storeRoot);
        var temporary = target + $".{Environment.ProcessId}.tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(this, Json));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temporary, target, overwrite: true);
    }

    /// <summary>Removes the record if it is this process's own (a newer service may have replaced it).</summary>
    public static void RemoveOwn(string storeRoot)
    {
        var path = PathIn(storeRoot);
        if (Read(path) is { } record && record.Pid == Environment.ProcessId && record.Host == Environment.MachineName) File.Delete(path);
    }

    /// <summary>The live service's record, or null; a record of a process that is gone is removed.</summary>
    public static ServiceRecord? FindLive(string storeRoot)
    {
        var path = PathIn(storeRoot);
        if (Read(path) is not { } record) return null;
        if (record.Host == Environment.MachineName && !IsAlive(record.Pid))
        {
            try { File.Delete(path); }
            catch (IOException) { }
            return null;
        }
        return record;
    }

    private static ServiceRecord? Read(string path)
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<ServiceRecord>(File.ReadAllText(path), Json) : null;
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
