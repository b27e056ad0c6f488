using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace Pipelines.Studio.Tests;

/// <summary>
/// A program started in a process group of its own (through <c>setsid</c>), so it and everything it starts
/// (a browser and its helpers, a server) can be killed together, even the processes whose parent already died.
/// Standard output and error are read as they come, so a chatty child never blocks on a full pipe, and are kept
/// for the failure message. Dispose kills the whole group.
/// </summary>
public sealed partial class ChildProcess : IDisposable
{
    private const int SigKill = 9;
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _error = new();
    private readonly List<(Regex Pattern, TaskCompletionSource<Match> Found)> _watches = [];
    private readonly Lock _gate = new();
    private bool _outputEnded;

    public ChildProcess(string file, string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo("setsid")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // setsid execs the program in place (the child of Process.Start never leads a group), so the pid is the group id.
        start.ArgumentList.Add(file);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        CommandLine = file + " " + string.Join(' ', arguments);
        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => Received(_output, e.Data, watch: true);
        _process.ErrorDataReceived += (_, e) => Received(_error, e.Data, watch: false);
        _process.Start();
        _process.StandardInput.Close();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string CommandLine { get; }

    public string Output { get { lock (_gate) return _output.ToString(); } }

    public string Error { get { lock (_gate) return _error.ToString(); } }

    /// <summary>Both streams, labelled, for a failure message.</summary>
    public string Transcript => $"$ {CommandLine}\n--- stdout ---\n{Output}\n--- stderr ---\n{Error}";

    /// <summary>The first line of standard output matching <paramref name="pattern"/>, waited for at most <paramref name="timeout"/>.</summary>
    public async Task<Match> WaitForLineAsync(Regex pattern, TimeSpan timeout)
    {
        var found = new TaskCompletionSource<Match>(TaskCreationOptions.RunContinuationsAsynchronously);
        bool ended;
        lock (_gate)
        {
            foreach (var line in _output.ToString().Split('\n'))
                if (pattern.Match(line) is { Success: true } match) return match;
            ended = _outputEnded;
            if (!ended) _watches.Add((pattern, found));
        }
        if (ended) throw new InvalidOperationException($"its output ended without a line matching /{pattern}/\n{Transcript}");
        try { return await found.Task.WaitAsync(timeout); }
        catch (TimeoutException) { throw new TimeoutException($"no line matching /{pattern}/ within {timeout.TotalSeconds:0} s\n{Transcript}"); }
    }

    /// <summary>The exit code, waited for at most <paramref name="timeout"/>; past it the group is killed and a TimeoutException says so.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using (var limit = new CancellationTokenSource(timeout))
        {
            try
            {
                // Also waits for the end of both streams, so the transcript is complete.
                await _process.WaitForExitAsync(limit.Token);
                return _process.ExitCode;
            }
            catch (OperationCanceledException) when (!_process.HasExited)
            {
                KillGroup();
                throw new TimeoutException($"still running after {timeout.TotalSeconds:0} s; killed\n{Transcript}");
            }
            catch (OperationCanceledException)
            {
                // It exited but a process it left behind still holds its output open: ending the group closes it.
            }
        }
        KillGroup();
        using var drain = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _process.WaitForExitAsync(drain.Token);
        return _process.ExitCode;
    }

    public void Dispose()
    {
        KillGroup();
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit(TimeSpan.FromSeconds(10));
        _process.Dispose();
    }

    private void KillGroup()
    {
        // ESRCH (the group is gone) is the normal case once everything has exited.
        Kill(-_process.Id, SigKill);
    }

    private void Received(StringBuilder buffer, string? line, bool watch)
    {
        if (line is null)
        {
            if (watch) EndOutput();
            return;
        }
        List<(TaskCompletionSource<Match> Found, Match Match)> hits = [];
        lock (_gate)
        {
            buffer.Append(line).Append('\n');
            if (!watch) return;
            for (var i = _watches.Count - 1; i >= 0; i--)
            {
                if (_watches[i].Pattern.Match(line) is not { Success: true } match) continue;
                hits.Add((_watches[i].Found, match));
                _watches.RemoveAt(i);
            }
        }
        foreach (var (found, match) in hits) found.TrySetResult(match);
    }

    private void EndOutput()
    {
        List<(Regex Pattern, TaskCompletionSource<Match> Found)> waiting;
        lock (_gate)
        {
            _outputEnded = true;
            waiting = [.. _watches];
            _watches.Clear();
        }
        foreach (var (pattern, found) in waiting)
            found.TrySetException(new InvalidOperationException($"its output ended without a line matching /{pattern}/\n{Transcript}"));
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
