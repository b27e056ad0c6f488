using System.Diagnostics;

namespace Pipelines.Engine.Tests.Support;

/// <summary>Starts the real <c>pipelines</c> program as a separate process, for kill, concurrency and service tests.</summary>
public static class CliProcess
{
    public static Process Start(string workspace, params string[] args) => Start(workspace, new Dictionary<string, string>(), args);

    public static Process Start(string workspace, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        // A test host started in the background by a non-interactive shell has SIGINT ignored, and an ignored signal
        // stays ignored across exec: the program would never see the Ctrl+C the tests send. coreutils' env restores it.
        var start = new ProcessStartInfo(OperatingSystem.IsLinux() ? "env" : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workspace,
        };
        if (OperatingSystem.IsLinux())
        {
            start.ArgumentList.Add("--default-signal=INT");
            start.ArgumentList.Add("dotnet");
        }
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "pipelines.dll"));
        start.ArgumentList.Add("-C");
        start.ArgumentList.Add(workspace);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        return Process.Start(start)!;
    }

    public static (int ExitCode, string Output, string Error) Run(string workspace, TimeSpan timeout, params string[] args) =>
        Run(workspace, new Dictionary<string, string>(), timeout, args);

    public static (int ExitCode, string Output, string Error) Run(
        string workspace, IReadOnlyDictionary<string, string> environment, TimeSpan timeout, params string[] args)
    {
        using var process = Start(workspace, environment, args);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"pipelines {string.Join(' ', args)} did not finish within {timeout}");
        }
        return (process.ExitCode, output.Result, error.Result);
    }

    /// <summary>SIGTERM, as a service manager stops a service.</summary>
    public static void Terminate(Process process)
    {
        using var kill = Process.Start("kill", ["-TERM", process.Id.ToString()]);
        kill.WaitForExit();
    }
}
