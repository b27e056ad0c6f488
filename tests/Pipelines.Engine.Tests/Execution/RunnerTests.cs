using Pipelines.Engine.Storage;
using Pipelines.Engine.Tests.Support;

namespace Pipelines.Engine.Tests.Execution;

public sealed class RunnerTests : IDisposable
{
    private readonly EngineHarness _h = new();

    public void Dispose() => _h.Dispose();

    private string Joined(string a = "a", string b = "b") => $$$"""
        name: joined
        steps:
          - id: left
            uses: test/emit
            with: { text: {{{a}}}, key: {{{_h.Key("left")}}} }
          - id: right
            uses: test/emit
            with: { text: {{{b}}}, key: {{{_h.Key("right")}}} }
          - id: both
            uses: test/concat
            with:
              parts: ["${{ steps.left.outputs.file }}", "${{ steps.right.outputs.file }}"]
              key: {{{_h.Key("both")}}}
        """;

    [Fact]
    public void Runs_steps_after_their_dependencies_and_records_lineage()
    {
        var result = _h.Run(Joined());

        Assert.Equal(RunStatus.Succeeded, result.Status);
        Assert.All(result.Steps.Values, s => Assert.Equal(StepStatus.Succeeded, s));
        var both = _h.Store.OutputArtifacts(result.RunId, "both").Single(o => o.Output == "file").Artifact;
        Assert.Equal("ab", File.ReadAllText(_h.Store.Artifacts.OpenVerified(both)));
        var parents = _h.Store.Lineage(both.Sha256, upstream: true).Select(e => e.ParentSha256).ToHashSet();
        var left = _h.Store.OutputArtifacts(result.RunId, "left").Single().Artifact;
        var right = _h.Store.OutputArtifacts(result.RunId, "right").Single().Artifact;
        Assert.Equal(new HashSet<string> { left.Sha256, right.Sha256 }, parents);
        Assert.Contains(_h.Store.Lineage(left.Sha256, upstream: false), e => e.ChildSha256 == both.Sha256 && e.StepId == "both");
    }

    [Fact]
    public void Unchanged_steps_are_cached_and_a_change_reruns_only_what_depends_on_it()
    {
        _h.Run(Joined());
        var second = _h.Run(Joined());
        Assert.All(second.Steps.Values, s => Assert.Equal(StepStatus.Cached, s));
        Assert.Equal(1, TestSteps.CountOf(_h.Key("left")));
        Assert.Equal(1, TestSteps.CountOf(_h.Key("both")));

        var changed = _h.Run(Joined(b: "B"));
        Assert.Equal(StepStatus.Cached, changed.Steps["left"]);
        Assert.Equal(StepStatus.Succeeded, changed.Steps["right"]);
        Assert.Equal(StepStatus.Succeeded, changed.Steps["both"]);
        Assert.Equal(1, TestSteps.CountOf(_h.Key("left")));
        Assert.Equal(2, TestSteps.CountOf(_h.Key("both")));
    }

    [Fact]
    public void A_cached_result_recorded_in_an_older_output_format_is_rerun_instead_of_failing_the_run()
    {
        _h.Run(Joined());
        var databasePath = _h.Store.Layout.DatabasePath;
        _h.CloseStore();
        using (var connection = RowValues.OpenFile(databasePath))
            // As if the step's output record had gained a required field since: the stored JSON lacks 'file'.
            connection.Execute("UPDATE step_events SET outputs_json = '{\"renamed\": 1}' WHERE step_id = 'left' AND outputs_json IS NOT NULL");

        var second = _h.Run(Joined());

        Assert.Equal(RunStatus.Succeeded, second.Status);
        Assert.Equal(StepStatus.Succeeded, second.Steps["left"]);
        Assert.Equal(StepStatus.Cached, second.Steps["right"]);
        Assert.Equal(2, TestSteps.CountOf(_h.Key("left")));
    }

    [Fact]
    public void Force_reruns_every_step()
    {
        _h.Run(Joined());
        var forced = _h.Run(Joined(), force: true);
        Assert.All(forced.Steps.Values, s => Assert.Equal(StepStatus.Succeeded, s));
        Assert.Equal(2, TestSteps.CountOf(_h.Key("left")));
    }

    [Fact]
    public void Identical_content_is_stored_once()
    {
        var result = _h.Run(Joined(a: "same", b: "same"));
        var left = _h.Store.OutputArtifacts(result.RunId, "left").Single().Artifact;
        var right = _h.Store.OutputArtifacts(result.RunId, "right").Single().Artifact;
        Assert.Equal(left.Sha256, right.Sha256);
        Assert.Equal(_h.Store.AllArtifacts().Count, _h.Store.AllArtifacts().Select(a => a.StorePath).Distinct().Count());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Parallelism_is_bounded(int limit)
    {
        var group = _h.Key("sleepers");
        var steps = string.Concat(Enumerable.Range(0, 6).Select(i => $$$"""

              - id: s{{{i}}}
                uses: test/sleep
                with: { duration: 150ms, group: {{{group}}}, id: "{{{i}}}" }
            """));
        var result = _h.Run("name: wide\nsteps:" + steps, parallelism: limit);
        Assert.Equal(RunStatus.Succeeded, result.Status);
        Assert.Equal(limit, TestSteps.MaxRunning[group]);
    }

    [Fact]
    public void A_step_over_its_timeout_fails_and_says_so()
    {
        var result = _h.Run($$$"""
            name: slow
            steps:
              - id: nap
                uses: test/sleep
                timeout: 200ms
                with: { duration: 30s, group: {{{_h.Key("nap")}}} }
            """);
        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Equal(StepStatus.Failed, result.Steps["nap"]);
        Assert.Contains("timed out after 200ms", _h.Store.StepRuns(result.RunId).Single().Message);
    }

    [Fact]
    public async Task A_long_running_step_outlives_the_default_step_timeout_but_not_its_own()
    {
        var pipeline = _h.Compile($$$"""
            name: recorder
            steps:
              - id: record
                uses: test/long-sleep
                with: { duration: 600ms, group: {{{_h.Key("record")}}} }
              - id: nap
                uses: test/sleep
                with: { duration: 600ms, group: {{{_h.Key("nap")}}} }
            """);
        var result = await _h.Runner().RunAsync(pipeline, _h.Options() with { DefaultStepTimeout = TimeSpan.FromMilliseconds(200) }, CancellationToken.None);

        Assert.Equal(StepStatus.Succeeded, result.Steps["record"]);
        Assert.Equal(StepStatus.Failed, result.Steps["nap"]);

        var bounded = _h.Run($$$"""
            name: bounded
            steps:
              - id: record
                uses: test/long-sleep
                timeout: 200ms
                with: { duration: 30s, group: {{{_h.Key("bounded")}}} }
            """);
        Assert.Contains("timed out after 200ms", _h.Store.StepRuns(bounded.RunId).Single().Message);
    }

    [Fact]
    public void Retries_with_backoff_until_an_attempt_succeeds()
    {
        var result = _h.Run($$$"""
            name: flaky
            steps:
              - id: shaky
                uses: test/flaky
                retry: { attempts: 3, backoff: 10ms }
                with: { key: {{{_h.Key("shaky")}}}, failures: 2 }
            """);
        Assert.Equal(RunStatus.Succeeded, result.Status);
        Assert.Equal(3, _h.Store.StepRuns(result.RunId).Single().Attempts);
        Assert.Equal(2, _h.Logs.Events.Count(e => e.Contains("retrying")));
    }

    [Fact]
    public void Gives_up_after_the_last_attempt()
    {
        var result = _h.Run($$$"""
            name: flaky
            steps:
              - id: shaky
                uses: test/flaky
                retry: { attempts: 2, backoff: 10ms }
                with: { key: {{{_h.Key("shaky")}}}, failures: 5 }
            """);
        Assert.Equal(RunStatus.Failed, result.Status);
        var step = _h.Store.StepRuns(result.RunId).Single();
        Assert.Equal(2, step.Attempts);
        Assert.Contains("planned failure 2 of 5 (after 2 attempts)", step.Message);
    }

    [Theory]
    [InlineData(false, StepStatus.Skipped)]
    [InlineData(true, StepStatus.Succeeded)]
    public void If_conditions_decide_whether_a_step_and_its_dependents_run(bool flag, StepStatus expected)
    {
        var result = _h.Run($$$"""
            name: gated
            steps:
              - id: gate
                uses: test/flag
                with: { value: {{{(flag ? "true" : "false")}}} }
              - id: act
                uses: test/emit
                if: ${{ steps.gate.outputs.value && true }}
                with: { text: acted }
              - id: after
                uses: test/concat
                with: { parts: ["${{ steps.act.outputs.file }}"] }
            """);
        Assert.Equal(RunStatus.Succeeded, result.Status);
        Assert.Equal(expected, result.Steps["act"]);
        Assert.Equal(expected, result.Steps["after"]);
    }

    [Theory]
    [InlineData(true, RunStatus.Succeeded)]
    [InlineData(false, RunStatus.Failed)]
    public void Continue_on_error_keeps_the_run_going(bool continueOnError, RunStatus expected)
    {
        var result = _h.Run($$$"""
            name: tolerant
            steps:
              - id: broken
                uses: test/flaky
                continue-on-error: {{{(continueOnError ? "true" : "false")}}}
                with: { key: {{{_h.Key("broken")}}}, failures: 9 }
              - id: independent
                uses: test/emit
                with: { text: fine }
              - id: dependent
                uses: test/flag
                needs: broken
                with: { value: true }
            """);
        Assert.Equal(expected, result.Status);
        Assert.Equal(StepStatus.Failed, result.Steps["broken"]);
        Assert.Equal(StepStatus.Succeeded, result.Steps["independent"]);
        Assert.Equal(StepStatus.Skipped, result.Steps["dependent"]);
    }

    [Fact]
    public async Task Cancelling_records_the_run_as_cancelled_and_resume_finishes_it()
    {
        var yaml = $$$"""
            name: long
            steps:
              - id: quick
                uses: test/emit
                with: { text: q, key: {{{_h.Key("quick")}}} }
              - id: nap
                uses: test/sleep
                needs: quick
                with: { duration: 1s, group: {{{_h.Key("nap")}}} }
            """;
        using var cancellation = new CancellationTokenSource();
        var runner = _h.Runner();
        var task = runner.RunAsync(_h.Compile(yaml), _h.Options(), cancellation.Token);
        SpinWait.SpinUntil(() => TestSteps.CountOf(_h.Key("nap")) == 1, TimeSpan.FromSeconds(10));
        cancellation.Cancel();
        var result = await task;

        Assert.Equal(RunStatus.Cancelled, result.Status);
        Assert.Equal(StepStatus.Cancelled, result.Steps["nap"]);
        Assert.Equal(RunStatus.Cancelled, _h.Store.FindRun(result.RunId)!.Status);

        var resumed = await runner.ResumeAsync(result.RunId, _h.Workspace.Root, _h.Options(), CancellationToken.None);
        Assert.Equal(RunStatus.Succeeded, resumed.Status);
        Assert.Equal(result.RunId, resumed.RunId);
        Assert.Equal(1, TestSteps.CountOf(_h.Key("quick")));
        Assert.Equal(1, _h.Store.FindRun(result.RunId)!.Resumes);
    }

    [Fact]
    public async Task Resume_after_a_failure_does_not_redo_completed_steps()
    {
        var yaml = $$$"""
            name: resumable
            steps:
              - id: first
                uses: test/emit
                with: { text: one, key: {{{_h.Key("first")}}} }
              - id: second
                uses: test/flaky
                needs: first
                with: { key: {{{_h.Key("second")}}}, failures: 1 }
            """;
        var failed = _h.Run(yaml);
        Assert.Equal(RunStatus.Failed, failed.Status);
        var firstFinished = _h.Store.StepRuns(failed.RunId).Single(s => s.StepId == "first").FinishedAt;

        var resumed = await _h.Runner().ResumeAsync(failed.RunId[..10], _h.Workspace.Root, _h.Options(), CancellationToken.None);

        Assert.Equal(RunStatus.Succeeded, resumed.Status);
        Assert.Equal(1, TestSteps.CountOf(_h.Key("first")));
        Assert.Equal(firstFinished, _h.Store.StepRuns(failed.RunId).Single(s => s.StepId == "first").FinishedAt);
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            _h.Runner().ResumeAsync(failed.RunId, _h.Workspace.Root, _h.Options(), CancellationToken.None));
    }

    [Fact]
    public void Secrets_never_reach_the_store_or_the_logs()
    {
        _h.Environment["API_TOKEN"] = "hunter2-very-secret";
        var result = _h.Run("""
            name: secretive
            steps:
              - id: use
                uses: test/emit
                with: { text: "token=${{ secrets.API_TOKEN }}" }
            """);
        Assert.Equal(RunStatus.Succeeded, result.Status);
        var step = _h.Store.StepRuns(result.RunId).Single();
        Assert.DoesNotContain("hunter2", step.InputsJson);
        Assert.DoesNotContain("hunter2", step.OutputsJson);
        Assert.Contains("token=***", step.InputsJson);
        Assert.Contains(_h.Logs.Events, e => e.Contains("Emitting"));
        Assert.DoesNotContain(_h.Logs.Events, e => e.Contains("hunter2"));
    }

    [Fact]
    public void An_artifact_altered_on_disk_is_refused_by_name_on_the_next_read()
    {
        var first = _h.Run(Joined());
        var left = _h.Store.OutputArtifacts(first.RunId, "left").Single().Artifact;
        var path = _h.Store.Artifacts.FullPath(left);
        File.SetAttributes(path, FileAttributes.Normal);
        File.WriteAllText(path, "x"); // same length as "a": only the hash can tell

        var next = _h.Run(Joined().Replace($"key: {_h.Key("both")}", $"key: {_h.Key("both")}-v2"));

        Assert.Equal(RunStatus.Failed, next.Status);
        var message = _h.Store.StepRuns(next.RunId).Single(s => s.StepId == "both").Message;
        Assert.Contains($"text artifact {left.ShortId} was altered on disk", message);
    }

    [Fact]
    public void Store_schema_is_versioned_and_migrations_run_once()
    {
        Assert.Equal(StoreMigrations.All.Max(m => m.Version), _h.Store.SchemaVersion);
        Assert.Equal(StoreMigrations.All.Count, _h.Store.Count("schema_migrations"));
        _h.Store.Dispose();
        using var reopened = PipelineStore.Open(_h.Workspace.StoreRoot, TimeSpan.FromSeconds(5));
        Assert.Equal(StoreMigrations.All.Count, reopened.Count("schema_migrations"));
    }
}
