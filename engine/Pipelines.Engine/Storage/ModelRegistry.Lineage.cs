using Pipelines.Abstractions;

namespace Pipelines.Engine.Storage;

public sealed partial class ModelRegistry
{
    /// <summary>
    /// The step that produced the version's model file (depth 1), then the steps that produced each artifact upstream
    /// of it by the lineage edges, each step once at its nearest depth. A step's inputs are those of its newest record.
    /// </summary>
    public IReadOnlyList<LineageStep> Lineage(string name, int version) => store.Read(connection =>
    {
        var sha = connection.Scalar<string?>("SELECT artifact_sha256 FROM model_versions WHERE name = ? AND version = ?", name, version)
            ?? throw new ArgumentException($"model '{name}' has no version {version}");
        return connection.Rows($"""
            WITH RECURSIVE walk(sha256, depth) AS (
                SELECT CAST(? AS VARCHAR), 1
                UNION
                SELECT l.parent_sha256, w.depth + 1 FROM lineage l JOIN walk w ON l.child_sha256 = w.sha256 WHERE w.depth < 100
            ),
            makers AS (
                SELECT a.produced_by_run AS run_id, a.produced_by_step AS step_id, min(w.depth) AS depth
                FROM walk w JOIN artifacts a USING (sha256)
                WHERE a.produced_by_run IS NOT NULL AND a.produced_by_step IS NOT NULL
                GROUP BY a.produced_by_run, a.produced_by_step
            )
            SELECT s.step_type, s.run_id, s.step_id, s.inputs_json, s.outputs_json, m.depth
            FROM makers m JOIN step_runs s USING (run_id, step_id)
            ORDER BY m.depth, s.run_id, s.step_id
            """,
            row => new LineageStep(row.Text("step_type"), row.Text("run_id"), row.Text("step_id"), row.TextOrNull("inputs_json"),
                row.TextOrNull("outputs_json"), (int)row.Integer("depth")),
            sha);
    });
}
