using System.Diagnostics;

namespace Pipelines.Cluster.Tests.Support;

/// <summary>
/// The real <c>pipelines</c> program as a process of its own, so that tests of concurrency across processes (migrating,
/// promoting) have separate processes, each with its own connection and nothing shared in memory.
/// </summary>
internal static class PipelinesProcess
{
    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public string All => Output + Error;
    }

    public static Process Start(string workspace, IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workspace,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "pipelines.dll"));
        start.ArgumentList.Add("-C");
        start.ArgumentList.Add(workspace);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        return Process.Start(start) ?? throw new InvalidOperationException("could not start pipelines");
    }

    public static async Task<Result> RunAsync(string workspace, IReadOnlyDictionary<string, string?> environment, TimeSpan bound, params string[] args)
    {
        using var process = Start(workspace, environment, args);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(bound);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"pipelines {string.Join(' ', args)} did not finish within {bound}: {await output}{await error}");
        }
        return new Result(process.ExitCode, await output, await error);
    }
}
