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
            using var appender = connection.CreateAppender("shadow_predictions");
            foreach (var p in predictions)
            {
                appender.Append(runId).Append(stepId).Append(model).Append(championVersion).Append(challengerVersion).Append(p.Row)
                    .Append(p.Champion).Append(p.Challenger);
                if (p.Outcome is { } outcome) appender.Append(outcome);
                else appender.AppendNull();
                appender.Append(p.ChallengerDecides).Append(now);
                appender.EndRow();
            }
            return predictions.Count;
        });
    }
}
