using System.Diagnostics;

namespace Pipelines.Cluster.Tests.Support;

/// <summary>
/// Runs a program to its end within a bound and keeps what it printed, so a failure can say what the program said.
/// PostgreSQL refuses to run as root; when the tests are root, its programs run as <c>postgres</c> through
/// <c>runuser</c>, which util-linux ships on every Debian system.
/// </summary>
internal static class ExternalCommand
{
    public sealed record Result(int ExitCode, string Output)
    {
        public bool Succeeded => ExitCode == 0;
    }

    public static bool IsRoot => Environment.UserName == "root";

    public static Task<Result> RunAsPostgresAsync(string program, IEnumerable<string> arguments, TimeSpan timeout) =>
        IsRoot
            ? RunAsync("runuser", ["-u", PostgresServer.SuperUser, "--", program, .. arguments], timeout)
            : RunAsync(program, arguments, timeout);

    public static async Task<Result> RunAsync(string program, IEnumerable<string> arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        // apt-get must never stop to ask a question of a test run.
        start.Environment["DEBIAN_FRONTEND"] = "noninteractive";

        using var process = Process.Start(start)
            ?? throw new InvalidOperationException($"could not start {program}");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var bound = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(bound.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Describe(start)} did not finish within {timeout}");
        }
        return new Result(process.ExitCode, (await output + await error).Trim());
    }

    public static string Describe(ProcessStartInfo start) => $"{start.FileName} {string.Join(' ', start.ArgumentList)}";
}
