namespace Pipelines.Cluster.Tests.Support;

/// <summary>
/// A test host killed outright (SIGKILL, a crashed runner) never disposes its server, which would then run and fill
/// the temporary directory forever. Each server's directory names its owning process; a server whose owner is gone
/// is stopped and deleted by the next test run that starts one. Servers of live test hosts (another test run on the
/// same machine) are left alone.
/// </summary>
public static class OrphanedServers
{
    /// <summary>The root directories of test servers whose owning process no longer runs.</summary>
    public static IReadOnlyList<string> Find() =>
        Directory.EnumerateDirectories(Path.GetTempPath(), PostgresServer.DirectoryPrefix + "*")
            .Where(root => OwnerOf(root) is { } owner && !PostgresServer.IsAlive(owner))
            .ToList();

    public static async Task StopAndDeleteAsync(string binDirectory)
    {
        foreach (var root in Find())
        {
            try
            {
                await PostgresServer.StopAndDeleteAsync(binDirectory, root, processId: 0);
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                // Another test run may be sweeping the same orphan right now; whoever finishes, it goes.
            }
        }
    }

    // A directory without an owner is one being created this instant; its creator writes the owner next.
    private static int? OwnerOf(string root)
    {
        try
        {
            return int.TryParse(File.ReadAllText(Path.Combine(root, PostgresServer.OwnerFileName)), out var owner) ? owner : null;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
