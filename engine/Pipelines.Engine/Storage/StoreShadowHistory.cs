using System.Text.Json;
using Pipelines.Abstractions;

namespace Pipelines.Engine.Storage;

/// <summary>
/// Reads <c>shadow_predictions</c> back with the table each decision's row came from: the <c>data</c> input of the
/// shadow/compare step run that recorded it, taken from that run's recorded inputs.
/// </summary>
public sealed class StoreShadowHistory(PipelineStore store) : IShadowHistory
{
    public IReadOnlyList<ShadowOutcome> Outcomes(string model, int championVersion) => store.InTransaction(connection =>
    {
        var rows = connection.Rows(
            "SELECT run_id, step_id, row_index, champion_version, champion, outcome, recorded_at FROM shadow_predictions " +
            "WHERE model = ? AND champion_version = ? AND outcome IS NOT NULL AND champion IS NOT NULL ORDER BY recorded_at, run_id, step_id, row_index",
            row => (RunId: row.Text("run_id"), StepId: row.Text("step_id"), Row: row.Integer("row_index"), Version: (int)row.Integer("champion_version"),
                Champion: row.RealOrNull("champion")!.Value, Outcome: row.RealOrNull("outcome")!.Value, RecordedAt: row.Time("recorded_at")),
            model, championVersion);
        var data = new Dictionary<(string, string), string?>();
        var outcomes = new List<ShadowOutcome>(rows.Count);
        foreach (var r in rows)
        {
            if (!data.TryGetValue((r.RunId, r.StepId), out var sha))
            {
                var inputs = connection.Rows("SELECT inputs_json FROM step_runs WHERE run_id = ? AND step_id = ?", row => row.TextOrNull("inputs_json"), r.RunId, r.StepId)
                    .FirstOrDefault();
                sha = data[(r.RunId, r.StepId)] = DataSha256(inputs);
            }
            if (sha is not null) outcomes.Add(new ShadowOutcome(r.RunId, r.StepId, sha, r.Row, r.Version, r.Champion, r.Outcome, r.RecordedAt));
        }
        return (IReadOnlyList<ShadowOutcome>)outcomes;
    });

    /// <summary>The sha256 of the data input in a step run's recorded inputs; null when the run recorded none.</summary>
    private static string? DataSha256(string? inputsJson)
    {
        if (inputsJson is null) return null;
        using var document = JsonDocument.Parse(inputsJson);
        foreach (var input in document.RootElement.EnumerateObject())
        {
            if (!input.Name.Equals("data", StringComparison.OrdinalIgnoreCase) || input.Value.ValueKind != JsonValueKind.Object) continue;
            foreach (var field in input.Value.EnumerateObject())
                if (field.Name.Equals("sha256", StringComparison.OrdinalIgnoreCase) && field.Value.ValueKind == JsonValueKind.String) return field.Value.GetString();
        }
        return null;
    }
}
