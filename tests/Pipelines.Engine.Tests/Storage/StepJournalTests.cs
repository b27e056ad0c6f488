using System.Buffers.Binary;
using Pipelines.Abstractions;
using Pipelines.Engine.Events;
using Pipelines.Engine.Storage;
using Pipelines.Engine.Tests.Support;

namespace Pipelines.Engine.Tests.Storage;

/// <summary>
/// Step records that were journaled but not yet committed when the process died. A crash is reproduced by
/// copying the store's files (database, DuckDB's WAL, the journal) while the store is open and before it
/// commits: the copy is what a SIGKILL at that moment would leave on disk.
/// </summary>
public sealed class StepJournalTests : IDisposable
{
    private const string RunId = "run-1";
    private readonly TestWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public void Finished_steps_of_a_killed_process_reach_the_database_when_the_store_is_next_opened()
    {
        string crashed;
        using (var store = OpenWithoutBackgroundCommits("live"))
        {
            store.InsertRun(Run());
            var a = store.CompleteStepRun(Step("a", StepStatus.Succeeded), [("table", Artifact(1))], []);
            var b = store.CompleteStepRun(Step("b", StepStatus.Succeeded), [("table", Artifact(2))], [Artifact(1)]);
            store.UpsertStepRun(Step("c", StepStatus.Running));
            Assert.False(store.IsCommitted(a));
            Assert.False(store.IsCommitted(b));
            crashed = CrashImage("live", "crashed");
        }

        using (var store = PipelineStore.Open(crashed, TimeSpan.Zero))
        {
            var steps = store.StepRuns(RunId).ToDictionary(s => s.StepId, s => s.Status);
            Assert.Equal(StepStatus.Succeeded, steps["a"]);
            Assert.Equal(StepStatus.Succeeded, steps["b"]);
            // A running event is not journaled: a step killed before any commit counts as never started.
            Assert.False(steps.ContainsKey("c"));
            Assert.Equal(2, store.Count("artifacts"));
            Assert.Equal(2, store.Count("step_outputs"));
            var edge = Assert.Single(store.Lineage(Artifact(2).Sha256, upstream: true));
            Assert.Equal((Artifact(1).Sha256, "b"), (edge.ParentSha256, edge.StepId));
            Assert.Equal(0, new FileInfo(store.Layout.JournalPath).Length);
        }

        // Opening again finds nothing left to replay: every record is there exactly once.
        using (var store = PipelineStore.Open(crashed, TimeSpan.Zero))
        {
            Assert.Equal(2, store.Count("step_events"));
            Assert.Equal(2, store.Count("artifacts"));
        }
    }

    [Fact]
    public void A_running_event_is_committed_only_if_its_step_has_not_finished_by_the_commit()
    {
        using var store = OpenWithoutBackgroundCommits("live");
        store.UpsertStepRun(Step("quick", StepStatus.Running));
        store.CompleteStepRun(Step("quick", StepStatus.Succeeded), [("table", Artifact(1))], []);
        store.UpsertStepRun(Step("slow", StepStatus.Running));
        store.Flush();
        store.CompleteStepRun(Step("slow", StepStatus.Succeeded), [("table", Artifact(2))], []);
        store.Flush();

        var events = store.Read(connection => connection.Rows("SELECT step_id, status FROM step_events ORDER BY seq",
            row => $"{row.GetString(row.GetOrdinal("step_id"))}:{row.GetString(row.GetOrdinal("status"))}"));
        Assert.Equal(["quick:succeeded", "slow:running", "slow:succeeded"], events);
    }

    [Fact]
    public void Records_the_database_already_holds_are_not_added_again()
    {
        string crashed;
        using (var store = OpenWithoutBackgroundCommits("live"))
        {
            var a = store.CompleteStepRun(Step("a", StepStatus.Succeeded), [("table", Artifact(1))], []);
            store.Flush();
            Assert.True(store.IsCommitted(a));
            // Same bytes again from another step: the artifact row exists, only the step's own rows are new.
            store.CompleteStepRun(Step("b", StepStatus.Succeeded), [("table", Artifact(1))], []);
            crashed = CrashImage("live", "crashed");
        }

        using var reopened = PipelineStore.Open(crashed, TimeSpan.Zero);
        Assert.Equal(2, reopened.Count("step_events"));
        Assert.Equal(1, reopened.Count("artifacts"));
        Assert.Equal(2, reopened.Count("step_outputs"));
    }

    [Fact]
    public void A_torn_last_entry_is_dropped_and_the_entries_before_it_are_replayed()
    {
        string crashed;
        using (var store = OpenWithoutBackgroundCommits("live"))
        {
            store.CompleteStepRun(Step("a", StepStatus.Succeeded), [("table", Artifact(1))], []);
            store.CompleteStepRun(Step("b", StepStatus.Succeeded), [("table", Artifact(2))], [Artifact(1)]);
            crashed = CrashImage("live", "crashed");
        }
        var journal = new StoreLayout(crashed).JournalPath;
        using (var file = File.Open(journal, FileMode.Open)) file.SetLength(file.Length - 5);

        using var reopened = PipelineStore.Open(crashed, TimeSpan.Zero);
        Assert.Equal(["a"], reopened.StepRuns(RunId).Select(s => s.StepId));
        Assert.Equal(1, reopened.Count("artifacts"));
        Assert.Equal(0, reopened.Count("lineage"));
        // The store goes on working after the repair.
        reopened.CompleteStepRun(Step("b", StepStatus.Succeeded), [("table", Artifact(2))], [Artifact(1)]);
        Assert.Equal(["a", "b"], reopened.StepRuns(RunId).Select(s => s.StepId).Order());
    }

    [Fact]
    public void A_damaged_entry_ends_the_replay_so_only_a_consistent_prefix_is_kept()
    {
        string crashed;
        using (var store = OpenWithoutBackgroundCommits("live"))
        {
            store.CompleteStepRun(Step("a", StepStatus.Succeeded), [("table", Artifact(1))], []);
            store.CompleteStepRun(Step("b", StepStatus.Succeeded), [("table", Artifact(2))], [Artifact(1)]);
            store.CompleteStepRun(Step("c", StepStatus.Succeeded), [("table", Artifact(3))], [Artifact(2)]);
            crashed = CrashImage("live", "crashed");
        }
        // Entry layout: [payload length u32][checksum u32][payload]; damage one byte inside the second payload.
        var journal = new StoreLayout(crashed).JournalPath;
        var bytes = File.ReadAllBytes(journal);
        var second = 8 + (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes);
        bytes[second + 8 + 20] ^= 0x40;
        File.WriteAllBytes(journal, bytes);

        using var reopened = PipelineStore.Open(crashed, TimeSpan.Zero);
        Assert.Equal(["a"], reopened.StepRuns(RunId).Select(s => s.StepId));
        Assert.Equal(1, reopened.Count("artifacts"));
    }

    [Fact]
    public void A_replay_that_fails_leaves_the_journal_for_the_next_open()
    {
        string crashed;
        using (var store = OpenWithoutBackgroundCommits("live"))
        {
            store.CompleteStepRun(Step("a", StepStatus.Succeeded), [("table", Artifact(1))], []);
            crashed = CrashImage("live", "crashed");
        }
        // An intact entry the database cannot take (a step event three columns wide) after the good one.
        var journalPath = new StoreLayout(crashed).JournalPath;
        using (var journal = StepJournal.Open(journalPath))
        {
            var bad = new PendingRows();
            bad.StepEvents.Add([99L, RunId, "bad"]);
            journal.Append(99, bad);
        }
        var before = File.ReadAllBytes(journalPath);

        Assert.ThrowsAny<Exception>(() => PipelineStore.Open(crashed, TimeSpan.Zero).Dispose());

        Assert.Equal(before, File.ReadAllBytes(journalPath));
    }

    [Fact]
    public void Every_value_type_of_a_step_record_comes_back_unchanged()
    {
        var started = new DateTime(2026, 3, 1, 12, 30, 45, DateTimeKind.Utc).AddTicks(1230);
        var record = new StepRunRecord(RunId, "typed", "test/emit", 7, StepStatus.Failed, "key-1", "run-0", 3, started, started.AddSeconds(2),
            2000.5, """{"x":"é ✓"}""", null, "line one\nline two");
        string crashed;
        using (var store = OpenWithoutBackgroundCommits("live"))
        {
            store.CompleteStepRun(record, [("table", Artifact(9))], [new Artifact(new string('f', 64), "source", "csv", 123, "data/x.csv")]);
            crashed = CrashImage("live", "crashed");
        }

        using var reopened = PipelineStore.Open(crashed, TimeSpan.Zero);
        // The store names the process that wrote the record (the node).
        Assert.Equal(record with { Node = $"{Environment.MachineName}:{Environment.ProcessId}" }, reopened.StepRuns(RunId).Single());
        var source = reopened.FindArtifacts(new string('f', 64)).Single();
        Assert.True(source.IsSource);
        Assert.Equal(123, source.Artifact.Bytes);
    }

    [Fact]
    public void Events_a_finished_step_published_reach_the_database_with_its_record_after_a_kill()
    {
        string crashed;
        using (var store = OpenWithoutBackgroundCommits("live"))
        {
            store.InsertRun(Run());
            var published = store.PublishEvent(new EventDraft("run.started", $"/pipelines/journal/runs/{RunId}", "journal", RunId));
            var a = store.CompleteStepRun(Step("a", StepStatus.Succeeded), [("table", Artifact(1))], [], events:
            [
                Draft("drift.detected", "a", "toxicity", "ret_1", """{"severity":"HIGH","value":0.4}"""),
                Draft("custom.batch.ready", "a", null, null, """{"rows":12}"""),
            ]);
            Assert.False(store.IsCommitted(a));
            crashed = CrashImage("live", "crashed");
            Assert.Equal(1, published.Sequence);
        }

        using (var store = PipelineStore.Open(crashed, TimeSpan.Zero))
        {
            var events = store.Events(new EventQuery(AfterSequence: 0));
            Assert.Equal(["run.started", "drift.detected", "custom.batch.ready"], events.Select(e => e.Type));
            Assert.Equal([1L, 2L, 3L], events.Select(e => e.Sequence));
            var drift = events[1];
            Assert.Equal(("toxicity", "ret_1", "a", RunId), (drift.Model, drift.Feature, drift.StepId, drift.RunId));
            Assert.Equal($"/pipelines/journal/runs/{RunId}/steps/a", drift.Source);
            Assert.Equal(0.4, System.Text.Json.Nodes.JsonNode.Parse(drift.PayloadJson)!["value"]!.GetValue<double>());
            Assert.Equal(StepStatus.Succeeded, store.StepRuns(RunId).Single().Status);
            // Numbering goes on after the replayed events.
            Assert.Equal(4, store.PublishEvent(new EventDraft("run.succeeded", $"/pipelines/journal/runs/{RunId}", "journal", RunId)).Sequence);
        }

        // Opening again replays nothing twice.
        using (var store = PipelineStore.Open(crashed, TimeSpan.Zero))
            Assert.Equal(4, store.Count("events"));
    }

    [Fact]
    public void References_a_finished_step_declared_reach_the_database_with_its_record_after_a_kill()
    {
        string crashed;
        using (var store = OpenWithoutBackgroundCommits("live"))
        {
            store.InsertRun(Run());
            store.CompleteStepRun(Step("member", StepStatus.Succeeded), [("model", Artifact(1))], []);
            // The manifest names the member (an input) and a file the step made without returning it (its meta-learner).
            var step = Step("ensemble", StepStatus.Succeeded);
            Artifact manifest = Artifact(2), meta = Artifact(3);
            var sequence = store.CompleteStepRun(step, [("model", manifest)], [Artifact(1)], madeHere: [manifest, meta],
                references: [new ArtifactReference(manifest, Artifact(1)), new ArtifactReference(manifest, meta)]);
            Assert.False(store.IsCommitted(sequence));
            crashed = CrashImage("live", "crashed");
        }

        using var reopened = PipelineStore.Open(crashed, TimeSpan.Zero);
        var references = reopened.Read(c => c.Rows("SELECT sha256, referenced_sha256, step_id FROM artifact_references ORDER BY referenced_sha256", RowValues.All));
        Assert.Equal([[Artifact(2).Sha256, Artifact(1).Sha256, "ensemble"], [Artifact(2).Sha256, Artifact(3).Sha256, "ensemble"]], references);
        Assert.Equal("ensemble", reopened.FindArtifacts(Artifact(3).Sha256).Single().ProducedByStep);
    }

    [Fact]
    public void A_journal_entry_written_before_steps_published_events_still_replays()
    {
        string crashed;
        using (var store = OpenWithoutBackgroundCommits("live"))
        {
            store.InsertRun(Run());
            crashed = CrashImage("live", "crashed");
        }
        // An entry as the journal wrote it before it had an events section: step events, artifacts, outputs, lineage.
        var journalPath = new StoreLayout(crashed).JournalPath;
        using (var journal = StepJournal.Open(journalPath))
        {
            var rows = new PendingRows();
            var s = Step("old", StepStatus.Succeeded);
            rows.StepEvents.Add([1L, s.RunId, s.StepId, s.StepType, s.StepVersion, "succeeded", null, null, 1, s.StartedAt, s.FinishedAt, 1.0, "{}", "{}", null]);
            journal.Append(1, rows);
        }
        var bytes = File.ReadAllBytes(journalPath);
        // Drop the trailing empty events and references sections (a zero count each, four bytes) and fix the length and checksum to match.
        var payload = bytes.AsSpan(8, bytes.Length - 16).ToArray();
        var legacy = new byte[8 + payload.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(legacy, (uint)payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(legacy.AsSpan(4), Crc32C(payload));
        payload.CopyTo(legacy.AsSpan(8));
        File.WriteAllBytes(journalPath, legacy);

        using var reopened = PipelineStore.Open(crashed, TimeSpan.Zero);
        Assert.Equal(["old"], reopened.StepRuns(RunId).Select(r => r.StepId));
    }

    /// <summary>CRC-32C bit by bit (Castagnoli, reflected polynomial 0x82F63B78): independent of the journal's hardware path.</summary>
    private static uint Crc32C(byte[] data)
    {
        var crc = uint.MaxValue;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
        }
        return ~crc;
    }

    private static EventDraft Draft(string type, string stepId, string? model, string? feature, string payload) =>
        new(type, $"/pipelines/journal/runs/{RunId}/steps/{stepId}", "journal", RunId, stepId, model, feature, payload);

    private PipelineStore OpenWithoutBackgroundCommits(string name) =>
        PipelineStore.Open(Path.Combine(_workspace.Root, name), TimeSpan.Zero, Timeout.InfiniteTimeSpan);

    /// <summary>Copies the store's files as they are now on disk, as a killed process would leave them.</summary>
    private string CrashImage(string from, string to)
    {
        var source = new StoreLayout(Path.Combine(_workspace.Root, from));
        var target = new StoreLayout(Path.Combine(_workspace.Root, to));
        target.EnsureDirectories();
        foreach (var path in new[] { source.DatabasePath, source.DatabasePath + ".wal", source.JournalPath }.Where(File.Exists))
        {
            using var input = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var output = File.Create(Path.Combine(target.Root, Path.GetFileName(path)));
            input.CopyTo(output);
        }
        return target.Root;
    }

    private static RunRecord Run() => new(RunId, "journal", "p.yaml", new string('0', 64), "name: journal", "{}", null, null,
        RunStatus.Running, DateTime.UtcNow, null, "host", 1, false, 0, null);

    private static Artifact Artifact(int i) => new($"{i:x2}{new string('a', 62)}", "table", "parquet", 100 + i, $"artifacts/{i:x2}/{i}.parquet");

    private static StepRunRecord Step(string id, StepStatus status) => new(
        RunId, id, "test/emit", 1, status, null, null, 1, DateTime.UtcNow, status == StepStatus.Running ? null : DateTime.UtcNow,
        status == StepStatus.Running ? null : 1.0, "{}", status == StepStatus.Running ? null : "{}", null);
}
