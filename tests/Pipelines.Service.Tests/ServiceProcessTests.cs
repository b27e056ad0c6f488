using Pipelines.Engine.Tests.Support;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Pipelines.Abstractions;
using Pipelines.Engine.Events;
using Pipelines.Engine.Storage;
using Pipelines.Service.Api.Pipelines;
using Pipelines.Service.Api.Runs;
using Pipelines.Service.Tests.Support;

namespace Pipelines.Service.Tests;

/// <summary>
/// <c>pipelines serve</c> as a real process on a real workspace: it runs a five-second schedule by itself while the
/// CLI, in the same workspace, lists and shows runs through it; a manual run posted over HTTP is reported through to
/// <c>succeeded</c>; killed with SIGKILL mid-run and started again, it resumes that run once and starts no second run
/// for its key. Waits are generous and bounded; nothing asserts on wall-clock precision.
/// </summary>
public sealed class ServiceProcessTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly TestWorkspace _workspace = new();
    private readonly List<Process> _started = [];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public ServiceProcessTests()
    {
        _workspace.Write("data/d.csv", "t,v\n1,2\n2,3\n");
        _workspace.Write("pipelines/tick.yaml", """
            name: tick
            on:
              schedule:
                - cron: "*/5 * * * * *"
            concurrency: queue
            steps:
              - id: data
                uses: ingest/csv
                with: { path: data/d.csv }
              - id: sum
                uses: transform/sql
                with:
                  tables: { d: "${{ steps.data.outputs.table }}" }
                  sql: SELECT sum(v) AS s, '${{ trigger.kind }}' AS kind FROM d
            """);
        _workspace.Write("pipelines/slow.yaml", """
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
            """);
    }

    public void Dispose()
    {
        foreach (var process in _started)
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.Dispose();
        }
        _http.Dispose();
        _workspace.Dispose();
    }

    private Process StartService(long crunchRows = 1000)
    {
        var process = CliProcess.Start(_workspace.Root, new Dictionary<string, string> { ["CRUNCH_ROWS"] = crunchRows.ToString() },
            "serve", "--urls", "http://127.0.0.1:0", "--grace", "5s");
        _started.Add(process);
        // Drained so a chatty service never blocks on a full pipe.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>The service.json the given process wrote once it listens.</summary>
    private ServiceRecord WaitForRecord(Process service) => WaitFor($"service.json of pid {service.Id}", () =>
    {
        if (service.HasExited) throw new InvalidOperationException($"the service exited early with {service.ExitCode}");
        return ServiceRecord.FindLive(_workspace.StoreRoot) is { } record && record.Pid == service.Id ? record : null;
    });

    private static T WaitFor<T>(string what, Func<T?> probe) where T : class
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < Patience)
        {
            if (probe() is { } found) return found;
            Thread.Sleep(200);
        }
        throw new TimeoutException($"{what} not reached within {Patience}");
    }

    private T Get<T>(ServiceRecord service, string path) =>
        _http.GetFromJsonAsync<T>($"{service.Url}/api/v1/{path}", Json).GetAwaiter().GetResult()!;

    private RunDetails GetRun(ServiceRecord service, string runId) => Get<RunDetails>(service, $"runs/{runId}");

    private string PostRun(ServiceRecord service, string pipeline)
    {
        using var response = _http.PostAsJsonAsync($"{service.Url}/api/v1/pipelines/{pipeline}/runs", new { @params = new { } }).GetAwaiter().GetResult();
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return response.Content.ReadFromJsonAsync<StartRunResponse>(Json).GetAwaiter().GetResult()!.RunId;
    }

    [Fact]
    public void Serve_runs_a_five_second_schedule_by_itself_and_the_cli_and_the_api_reach_its_runs_while_it_holds_the_store()
    {
        var service = StartService();
        var record = WaitForRecord(service);

        // `pipelines runs` in the same workspace goes through the service: the store stays held by it throughout.
        var listing = WaitFor("two scheduled runs listed by `pipelines runs`", () =>
        {
            var (exit, output, error) = CliProcess.Run(_workspace.Root, TimeSpan.FromMinutes(1), "runs", "--pipeline", "tick");
            Assert.True(exit == 0, $"pipelines runs exited {exit}: {error}");
            var scheduled = output.Split('\n').Count(line => line.Contains("schedule") && line.Contains("succeeded"));
            return scheduled >= 2 ? output : null;
        });
        Assert.False(service.HasExited);
        Assert.DoesNotContain("manual", listing);

        var runId = PostRun(record, "tick");
        var finished = WaitFor($"run {runId} to end", () => GetRun(record, runId) is { Status: not ("queued" or "running") } run ? run : null);
        Assert.Equal("succeeded", finished.Status);
        Assert.Equal("manual", finished.Trigger.Kind);
        Assert.Equal(["data", "sum"], finished.Steps.Select(s => s.Id).Order());

        // `pipelines run` submits to the service and follows the run to its end, with a local run's closing line and exit code.
        var ran = CliProcess.Run(_workspace.Root, TimeSpan.FromMinutes(2), "run", "pipelines/tick.yaml");
        Assert.True(ran.ExitCode == 0, ran.Output + ran.Error);
        Assert.Contains("by the service at " + record.Url, ran.Output);
        Assert.Matches(@"run \S+ succeeded: ", ran.Output);

        var shown = CliProcess.Run(_workspace.Root, TimeSpan.FromMinutes(1), "show", runId);
        Assert.Equal(0, shown.ExitCode);
        Assert.Contains(runId, shown.Output);
        Assert.Contains("succeeded", shown.Output);

        var details = Get<PipelineDetails>(record, "pipelines/tick");
        Assert.Equal("*/5 * * * * *", details.Triggers!.Schedules.Single().Cron);
        Assert.Equal(3, details.Triggers.Schedules.Single().NextFires.Count);

        CliProcess.Terminate(service);
        Assert.True(service.WaitForExit(Patience), "the service did not stop on SIGTERM");
        Assert.Equal(0, service.ExitCode);
        Assert.False(File.Exists(ServiceRecord.PathIn(_workspace.StoreRoot)), "service.json outlived the service");
    }

    [Fact]
    public void A_service_killed_mid_run_resumes_that_run_once_when_it_starts_again_and_starts_no_second_run_for_its_key()
    {
        // Stopped from firing on its own, so the only runs in the store are the one this test starts.
        File.Delete(Path.Combine(_workspace.Root, "pipelines", "tick.yaml"));
        var victim = StartService(crunchRows: 50_000_000_000);
        var record = WaitForRecord(victim);
        var runId = PostRun(record, "slow");
        WaitFor("the crunch step to run", () => GetRun(record, runId).Steps.Any(s => s is { Id: "crunch", Status: "running" }) ? record : null);
        victim.Kill(); // SIGKILL: no chance to record anything
        Assert.True(victim.WaitForExit(Patience));

        // The dead service's record is stale: the CLI removes it and reads the store itself.
        var (exit, output, error) = CliProcess.Run(_workspace.Root, TimeSpan.FromMinutes(1), "runs");
        Assert.True(exit == 0, error);
        Assert.Contains("interrupted", output);
        Assert.False(File.Exists(ServiceRecord.PathIn(_workspace.StoreRoot)));

        var restarted = StartService(crunchRows: 1000);
        var again = WaitForRecord(restarted);
        var resumed = WaitFor($"run {runId} to end after the restart", () => GetRun(again, runId) is { Status: "succeeded" or "failed" or "cancelled" } run ? run : null);
        Assert.Equal("succeeded", resumed.Status);
        Assert.Equal(1, resumed.Resumes);
        var runs = Get<RunList>(again, "runs?pipeline=slow");
        Assert.Equal(runId, Assert.Single(runs.Items).Id);

        CliProcess.Terminate(restarted);
        Assert.True(restarted.WaitForExit(Patience));
        using var store = PipelineStore.Open(_workspace.StoreRoot, TimeSpan.FromSeconds(10));
        Assert.Equal(1, store.Count("firings"));
        Assert.Equal(1, Assert.Single(store.ListRuns(10)).Resumes);
    }

    [Fact]
    public void While_serve_holds_the_store_models_drift_and_events_print_through_it_what_a_local_read_prints_afterwards()
    {
        // Nothing fires on its own: the store holds only what is seeded here and what the registry change below adds.
        File.Delete(Path.Combine(_workspace.Root, "pipelines", "tick.yaml"));
        using (var store = PipelineStore.Open(_workspace.StoreRoot, TimeSpan.FromSeconds(10)))
        {
            var registry = new ModelRegistry(store, RegistryActor.Person(), 20);
            foreach (var text in new[] { "one", "two" })
            {
                var staged = store.Artifacts.Stage("seed", "train", "model", "txt");
                File.WriteAllText(staged.Path, text);
                var artifact = store.Artifacts.Commit(staged);
                store.CompleteStepRun(new StepRunRecord("seed", $"train-{text}", "test/model", 1, StepStatus.Succeeded, null, null, 1, DateTime.UtcNow,
                    DateTime.UtcNow, 0, null, null, null), [("file", artifact)], []);
                registry.Register("toxicity", artifact, """{"auc":0.7}""", null, "trained");
            }
            registry.Promote("toxicity", 1, ModelRegistry.Champion, "first");
            new StoreDriftLog(store, "seed", "check").Record([new DriftEvent("toxicity", "spread", "psi", 0.31, "HIGH", "shifted")]);
            store.PublishEvent(new EventDraft("drift.detected", "/pipelines/watch/runs/seed/steps/check", Pipeline: "watch", RunId: "seed", StepId: "check",
                Model: "toxicity", Feature: "spread", PayloadJson: """{"psi":0.31,"note":"a<b"}"""));
        }

        var service = StartService();
        var record = WaitForRecord(service);
        (int ExitCode, string Output, string Error) Cli(params string[] args) => CliProcess.Run(_workspace.Root, TimeSpan.FromMinutes(1), args);
        string[] Asked(string what) => what.Split(' ');

        var promoted = Cli("models", "promote", "toxicity", "2", "--reason", "better holdout");
        Assert.True(promoted.ExitCode == 0, promoted.Output + promoted.Error);
        Assert.Contains("toxicity champion is version 2", promoted.Output);

        string[] commands = ["models list", "models show toxicity", "drift", "drift --model toxicity", "events --model toxicity --json", "events --model toxicity"];
        var throughService = commands.ToDictionary(c => c, c =>
        {
            var (exit, output, error) = Cli(Asked(c));
            Assert.True(exit == 0, $"pipelines {c} exited {exit} while the service held the store: {error}");
            return output;
        });
        Assert.False(service.HasExited);
        Assert.Matches(@"toxicity\s*│\s*2\s*│\s*2\s*│", throughService["models list"]);
        Assert.Contains("better holdout", throughService["models show toxicity"]);
        Assert.Contains("0.31", throughService["drift"]);
        Assert.Contains("shifted", throughService["drift --model toxicity"]);
        var line = Assert.Single(throughService["events --model toxicity --json"].Split('\n', StringSplitOptions.RemoveEmptyEntries),
            l => l.Contains("drift.detected"));
        using (var cloudEvent = JsonDocument.Parse(line))
            Assert.Equal(("watch", "toxicity/spread", 0.31), (cloudEvent.RootElement.GetProperty("pipeline").GetString(),
                cloudEvent.RootElement.GetProperty("subject").GetString(), cloudEvent.RootElement.GetProperty("data").GetProperty("psi").GetDouble()));

        CliProcess.Terminate(service);
        Assert.True(service.WaitForExit(Patience), "the service did not stop on SIGTERM");
        // With the service gone each command reads the store itself, and prints the same.
        foreach (var command in commands)
        {
            var (exit, output, error) = Cli(Asked(command));
            Assert.True(exit == 0, $"pipelines {command} exited {exit} on its own: {error}");
            Assert.Equal(output, throughService[command]);
        }
    }
}
