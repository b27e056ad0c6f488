namespace Pipelines.Cluster.Tests.Support;

/// <summary>
/// Finds Debian's PostgreSQL 15 programs. Where they are missing, a run as root installs Debian's package (as a
/// fresh CI container would need) and any other run fails naming what is missing; the cluster tests never skip.
/// </summary>
public static class PostgresBinaries
{
    public const string DebianDirectory = "/usr/lib/postgresql/15/bin";

    /// <summary>The programs the test server needs: to create a cluster, to start and stop it, and the server itself.</summary>
    public static readonly IReadOnlyList<string> Required = ["initdb", "pg_ctl", "postgres"];

    public static IReadOnlyList<string> Missing(string directory) =>
        Required.Where(program => !File.Exists(Path.Combine(directory, program))).ToList();

    /// <summary>The directory holding every required program, installing Debian's package first when root may.</summary>
    public static async Task<string> LocateAsync(string directory = DebianDirectory)
    {
        if (Missing(directory).Count == 0) return directory;
        if (ExternalCommand.IsRoot)
        {
            await InstallDebianPackageAsync();
            if (Missing(directory).Count == 0) return directory;
        }
        throw new InvalidOperationException(MissingMessage(directory, ExternalCommand.IsRoot));
    }

    public static string MissingMessage(string directory, bool ranAsRoot) =>
        $"PostgreSQL 15 is missing: {string.Join(", ", Missing(directory).Select(program => Path.Combine(directory, program)))} " +
        "not found. The cluster tests start their own PostgreSQL from Debian's package; " +
        (ranAsRoot
            ? "installing it with apt-get did not provide them (see the apt-get output above)."
            : "install it with `sudo apt-get install -y postgresql-15` (or `postgresql`), or run the tests as root to have them install it.");

    private static async Task InstallDebianPackageAsync()
    {
        var bound = TimeSpan.FromMinutes(10);
        // The versioned package first (it is what provides /usr/lib/postgresql/15); the metapackage where the
        // distribution's default is 15. A fresh container has no package lists yet, so update once if needed.
        foreach (var package in new[] { "postgresql-15", "postgresql" })
        {
            var install = await ExternalCommand.RunAsync("apt-get", ["install", "-y", "--no-install-recommends", package], bound);
            if (!install.Succeeded)
            {
                await ExternalCommand.RunAsync("apt-get", ["update"], bound);
                install = await ExternalCommand.RunAsync("apt-get", ["install", "-y", "--no-install-recommends", package], bound);
            }
            Console.Error.WriteLine($"apt-get install {package}: exit {install.ExitCode}\n{install.Output}");
            if (install.Succeeded && Missing(DebianDirectory).Count == 0) return;
        }
    }
}
