using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Pipelines.Cluster.Tests.Support;

/// <summary>
/// A long-lived <c>pipelines serve</c> or <c>pipelines worker</c> process of a test cluster, its output collected as it
/// comes, so a test can wait for a line, kill it (SIGKILL) or stop it (SIGTERM) and read what it said.
/// </summary>
internal sealed partial class ClusterProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ClusterProcess(Process process, string name)
    {
        _process = process;
        Name = name;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Name { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <summary>The node's Quartz instance id, once it said it joined.</summary>
    public string? InstanceId => Joined().Match(Output) is { Success: true } m ? m.Groups[1].Value : null;

    public static ClusterProcess Start(PostgresWorkspace workspace, string name, params string[] args) =>
        new(PipelinesProcess.Start(workspace.Root, workspace.Environment, args), name);

    /// <summary>Waits until the output matches <paramref name="pattern"/>; the match.</summary>
    public async Task<Match> WaitForAsync(Regex pattern, TimeSpan bound)
    {
        var deadline = DateTime.UtcNow + bound;
        while (true)
        {
            if (pattern.Match(Output) is { Success: true } match) return match;
            if (_process.HasExited) throw new InvalidOperationException($"{Name} exited ({_process.ExitCode}) before saying /{pattern}/:\n{Output}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{Name} did not say /{pattern}/ within {bound}:\n{Output}");
            await Task.Delay(100);
        }
    }

    public Task WaitUntilJoinedAsync(TimeSpan bound) => WaitForAsync(Joined(), bound);

    public void Kill() => _process.Kill(entireProcessTree: true);

    /// <summary>SIGTERM, as a container runtime stops a process.</summary>
    public void Terminate() => Syscall.Kill(_process.Id, Syscall.SigTerm);

    public async Task<bool> WaitForExitAsync(TimeSpan bound)
    {
        using var timeout = new CancellationTokenSource(bound);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            _process.WaitForExit(); // flushes the asynchronous output readers
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    [GeneratedRegex(@"(?:joined the cluster as|Joined the cluster as) (\S+?):")]
    private static partial Regex Joined();

    private static partial class Syscall
    {
        public const int SigTerm = 15;

        [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
        public static partial int Kill(int pid, int signal);
    }
}
