using System.Diagnostics;
using Pipelines.Engine.Storage;
using Pipelines.Engine.Tests.Support;

namespace Pipelines.Engine.Tests.Cli;

/// <summary>
/// Faults with real processes: a run killed with SIGKILL in the middle of a step, and two runs on one store.
/// The slow step is real DuckDB work whose size comes from the environment, so a resume can be quick.
/// </summary>
public sealed class FaultTests : IDisposable
{
    private readonly TestWorkspace _workspace = new();
    private readonly string _pipeline;

    public FaultTests()
    {
        _workspace.Write("data/d.csv", "t,v\n1,2\n2,3\n");
        _pipeline = _workspace.Write("slow.yaml", """
            name: slow
            steps:
              - id: data
                uses: ingest/csv
                with: { path: data/d.csv }
              - id: crunch
                uses: transform/sql
                with:
                  tables: { d: "${{ steps.data.outputs.table }}" }
                  sql: SELECT sum(hash(i)) AS s FROM range(${{ env.CRUNCH_ROWS }}) t(i)
              - id: report
                uses: transform/sql
                with:
                  tables: { c: "${{ steps.crunch.outputs.table }}", d: "${{ steps.data.outputs.table }}" }
                  sql: SELECT s, (SELECT count(*) FROM d) AS n FROM c
            """);
    }

    private readonly List<Process> _started = [];

    /// <summary>Starts a run that is killed when the test ends, so a failed assertion never leaves it crunching.</summary>
    private Process Start(long rows, params string[] args)
    {
        var process = CliProcess.Start(_workspace.Root, Rows(rows), args);
        _started.Add(process);
        return process;
    }

    public void Dispose()
    {
        foreach (var process in _started)
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.Dispose();
        }
        _workspace.Dispose();
    }

    private static Dictionary<string, string> Rows(long rows) => new() { ["CRUNCH_ROWS"] = rows.ToString() };

    /// <summary>Waits until the run's JSON log shows that <paramref name="step"/> has started its first attempt.</summary>
    private void WaitForStepStart(string step, Process process)
    {
        var logs = Path.Combine(_workspace.StoreRoot, "logs");
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (Directory.Exists(logs) && Directory.EnumerateFiles(logs).SelectMany(f => ReadShared(f).Split('\n'))
                    .Any(line => line.Contains($"\"Step\":\"{step}\"") && line.Contains("attempt 1 started"))) return;
            if (process.HasExited) throw new InvalidOperationException($"process exited early: {process.StandardError.ReadToEnd()}");
            Thread.Sleep(50);
        }
        throw new TimeoutException($"log never showed step '{step}' starting");
    }

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return new StreamReader(stream).ReadToEnd();
    }

    [Fact]
    public void A_run_killed_mid_step_is_resumed_without_redoing_completed_steps()
    {
        var victim = Start(50_000_000_000, "run", _pipeline);
        WaitForStepStart("crunch", victim);
        victim.Kill(); // SIGKILL: no chance to clean up
        victim.WaitForExit();

        // Killed: nobody recorded an end, so the next process to open the store finds the run abandoned.
        var runs = CliProcess.Run(_workspace.Root, Rows(1000), TimeSpan.FromMinutes(1), "runs");
        Assert.True(runs.ExitCode == 0, runs.Output + runs.Error);
        Assert.Contains("interrupted", runs.Output);
        Assert.DoesNotContain("running", runs.Output);

        string runId;
        DateTime? dataFinished;
        using (var store = PipelineStore.Open(_workspace.StoreRoot, TimeSpan.FromSeconds(10)))
        {
            var run = store.ListRuns(1).Single();
            Assert.Equal(RunStatus.Interrupted, run.Status);
            Assert.Null(run.FinishedAt);
            runId = run.RunId;
            var steps = store.StepRuns(runId);
            Assert.Equal(StepStatus.Succeeded, steps.Single(s => s.StepId == "data").Status);
            // The interrupted step is recorded as running, or not at all if it was killed within the commit interval.
            Assert.DoesNotContain(steps, s => s.StepId == "crunch" && s.Status != StepStatus.Running);
            dataFinished = steps.Single(s => s.StepId == "data").FinishedAt;
        }
        Assert.Contains($"continue it with 'pipelines resume {runId}'", runs.Output);
        var show = CliProcess.Run(_workspace.Root, Rows(1000), TimeSpan.FromMinutes(1), "show", runId);
        Assert.True(show.ExitCode == 0, show.Output + show.Error);
        Assert.Contains("interrupted", show.Output);
        Assert.Contains($"continue it with 'pipelines resume {runId}'", show.Output);

        var resume = CliProcess.Run(_workspace.Root, Rows(1000), TimeSpan.FromMinutes(2), "resume", runId);
        Assert.True(resume.ExitCode == 0, resume.Output + resume.Error);

        using (var store = PipelineStore.Open(_workspace.StoreRoot, TimeSpan.FromSeconds(10)))
        {
            var run = store.FindRun(runId)!;
            Assert.Equal(RunStatus.Succeeded, run.Status);
            Assert.Equal(1, run.Resumes);
            var steps = store.StepRuns(runId);
            Assert.All(steps, s => Assert.Equal(StepStatus.Succeeded, s.Status));
            Assert.Equal(dataFinished, steps.Single(s => s.StepId == "data").FinishedAt);
            Assert.Single(store.ListRuns(10));
            AssertConsistent(store);
        }
    }

    [Fact]
    public void A_second_run_on_a_busy_store_waits_or_fails_clearly()
    {
        var first = Start(500_000_000, "run", _pipeline);
        WaitForStepStart("crunch", first);

        var impatient = CliProcess.Run(_workspace.Root, Rows(10), TimeSpan.FromMinutes(1), "run", _pipeline, "--wait", "500ms");
        Assert.Equal(3, impatient.ExitCode);
        Assert.Contains("in use by another pipelines process", impatient.Error);

        var patient = CliProcess.Run(_workspace.Root, Rows(10), TimeSpan.FromMinutes(3), "run", _pipeline, "--wait", "3m");
        Assert.True(patient.ExitCode == 0, patient.Output + patient.Error);
        Assert.True(first.WaitForExit(TimeSpan.FromMinutes(2)));
        Assert.Equal(0, first.ExitCode);

        using var store = PipelineStore.Open(_workspace.StoreRoot, TimeSpan.FromSeconds(10));
        var runs = store.ListRuns(10);
        Assert.Equal(2, runs.Count);
        Assert.All(runs, r => Assert.Equal(RunStatus.Succeeded, r.Status));
        AssertConsistent(store);
    }

    [Fact]
    public void Ctrl_c_stops_the_query_records_the_run_as_cancelled_and_exits_130()
    {
        var run = Start(50_000_000_000, "run", _pipeline);
        WaitForStepStart("crunch", run);
        using (var signal = Process.Start("kill", ["-INT", run.Id.ToString()])) signal.WaitForExit();
        if (!run.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            run.Kill(entireProcessTree: true);
            Assert.Fail($"the run did not stop after SIGINT; it wrote:\n{run.StandardOutput.ReadToEnd()}\n{run.StandardError.ReadToEnd()}");
        }
        Assert.Equal(130, run.ExitCode);

        using var store = PipelineStore.Open(_workspace.StoreRoot, TimeSpan.FromSeconds(10));
        var record = store.ListRuns(1).Single();
        Assert.Equal(RunStatus.Cancelled, record.Status);
        var steps = store.StepRuns(record.RunId);
        Assert.Equal(StepStatus.Succeeded, steps.Single(s => s.StepId == "data").Status);
        Assert.Equal(StepStatus.Cancelled, steps.Single(s => s.StepId == "crunch").Status);
        Assert.DoesNotContain(steps, s => s.StepId == "report" && s.Status != StepStatus.Skipped);
    }

    /// <summary>No artifact row without its intact file; no file under two rows.</summary>
    private static void AssertConsistent(PipelineStore store)
    {
        var artifacts = store.AllArtifacts().Where(a => a.Kind != "source").ToList();
        Assert.NotEmpty(artifacts);
        foreach (var artifact in artifacts) store.Artifacts.OpenVerified(artifact);
        Assert.Equal(artifacts.Count, artifacts.Select(a => a.StorePath).Distinct().Count());
        var files = Directory.EnumerateFiles(store.Layout.ArtifactsDirectory, "*", SearchOption.AllDirectories).ToList();
        Assert.All(files, f => Assert.Contains(artifacts, a => store.Artifacts.FullPath(a) == f));
    }
}
