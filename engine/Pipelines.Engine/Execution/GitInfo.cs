using System.Diagnostics;

namespace Pipelines.Engine.Execution;

/// <summary>The commit a pipeline file was run from, and whether the file differed from it, for lineage.</summary>
public sealed record GitInfo(string? Commit, bool? Dirty)
{
    public static GitInfo For(string file)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(file))!;
        var commit = Run(directory, "rev-parse", "HEAD");
        if (commit is null) return new GitInfo(null, null);
        var status = Run(directory, "status", "--porcelain", "--", Path.GetFileName(file));
        return new GitInfo(commit, status is null ? null : status.Length > 0);
    }

    private static string? Run(string directory, params string[] arguments)
    {
        try
        {
            var start = new ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in arguments) start.ArgumentList.Add(argument);
            using var process = Process.Start(start);
            if (process is null) return null;
            var output = process.StandardOutput.ReadToEnd();
            process.StandardError.ReadToEnd();
            if (!process.WaitForExit(TimeSpan.FromSeconds(10))) { process.Kill(); return null; }
            return process.ExitCode == 0 ? output.Trim() : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // git is not installed: lineage records no commit.
        }
    }
}
