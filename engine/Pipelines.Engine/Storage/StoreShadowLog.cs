using Pipelines.DuckDb;
using Pipelines.Abstractions;

namespace Pipelines.Engine.Storage;

/// <summary>Appends a shadow comparison's paired predictions to <c>shadow_predictions</c> in one transaction.</summary>
public sealed class StoreShadowLog(PipelineStore store, string runId, string stepId) : IShadowLog
{
    public void Record(string model, int championVersion, int challengerVersion, IReadOnlyList<ShadowPrediction> predictions)
    {
        if (predictions.Count == 0) return;
        store.InTransaction(connection =>
        {
            var now = DateTime.UtcNow;
            using (var appender = new ChunkAppender(connection, "shadow_predictions"))
            {
                foreach (var p in predictions)
                {
                    appender.Add(runId).Add(stepId).Add(model).Add(championVersion).Add(challengerVersion).Add(p.Row).Add(p.Champion).Add(p.Challenger);
                    if (p.Outcome is { } outcome) appender.Add(outcome);
                    else appender.AddNull();
                    appender.Add(p.ChallengerDecides).Add(now).EndRow();
                }
            }
            return predictions.Count;
        });
    }
}
