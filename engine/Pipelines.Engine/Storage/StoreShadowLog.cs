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
                appender.CreateRow()
                    .AppendValue(runId).AppendValue(stepId).AppendValue(model).AppendValue((int?)championVersion).AppendValue((int?)challengerVersion)
                    .AppendValue((long?)p.Row).AppendValue((double?)p.Champion).AppendValue((double?)p.Challenger).AppendValue(p.Outcome)
                    .AppendValue((bool?)p.ChallengerDecides).AppendValue((DateTime?)now)
                    .EndRow();
            }
            appender.Close();
            return predictions.Count;
        });
    }
}
