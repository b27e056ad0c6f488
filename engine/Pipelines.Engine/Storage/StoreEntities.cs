using System.Data.Common;
using Pipelines.Abstractions;
using Pipelines.Engine.Events;

namespace Pipelines.Engine.Storage;

/// <summary>Rows of the store's tables turned into records, each column taken by its name.</summary>
internal static class StoreEntities
{
    public static RunRecord Run(DbDataReader row) => new(
        row.Text("run_id"), row.Text("pipeline"), row.Text("pipeline_file"), row.Text("pipeline_sha256"), row.Text("pipeline_text"),
        row.Text("params_json"), row.TextOrNull("git_commit"), row.FlagOrNull("git_dirty"), StatusText.ParseRun(row.Text("status")),
        row.Time("started_at"), row.TimeOrNull("finished_at"), row.TextOrNull("host"), (int?)row.IntegerOrNull("pid"), row.Flag("forced"),
        (int)row.Integer("resumes"), row.TextOrNull("error"));

    public static StepRunRecord StepRun(DbDataReader row) => new(
        row.Text("run_id"), row.Text("step_id"), row.Text("step_type"), (int)row.Integer("step_version"), StatusText.ParseStep(row.Text("status")),
        row.TextOrNull("cache_key"), row.TextOrNull("cached_from_run"), (int)row.Integer("attempts"), row.TimeOrNull("started_at"),
        row.TimeOrNull("finished_at"), row.RealOrNull("duration_ms"), row.TextOrNull("inputs_json"), row.TextOrNull("outputs_json"),
        row.TextOrNull("message"), row.TextOrNull("node"), (int?)row.IntegerOrNull("attempt"));

    public static Artifact Artifact(DbDataReader row) =>
        new(row.Text("sha256"), row.Text("kind"), row.Text("format"), row.Integer("bytes"), row.Text("store_path"));

    public static ArtifactRecord ArtifactRecord(DbDataReader row) => new(
        Artifact(row), row.Flag("is_source"), row.Time("created_at"), row.TextOrNull("produced_by_run"), row.TextOrNull("produced_by_step"));

    public static DriftEventRecord DriftEvent(DbDataReader row) => new(
        row.Text("run_id"), row.Text("step_id"), row.Text("model"), row.Text("feature"), row.Text("statistic"), row.RealOrNull("value"),
        row.Text("severity"), row.TextOrNull("detail"), row.Time("detected_at"));

    public static LineageEdge LineageEdge(DbDataReader row) => new(
        row.Text("parent_sha256"), row.Text("child_sha256"), row.Text("run_id"), row.Text("step_id"), (int)row.Integer("depth"));

    public static PipelineEvent Event(DbDataReader row) => new(
        row.Integer("seq"), row.Text("id"), row.Text("type"), row.Time("time"), row.Text("source"), row.TextOrNull("pipeline"),
        row.TextOrNull("run_id"), row.TextOrNull("step_id"), row.TextOrNull("model"), row.TextOrNull("feature"), row.Text("payload"));

    public static ArchivedEvent ArchivedEvent(DbDataReader row) => new(
        row.Text("archive"), row.Text("name"), row.Time("window_start"), row.Time("window_end"), row.Text("criteria_json"),
        row.Text("rows_sha256"), row.Integer("row_count"));
}
