using Pipelines.Abstractions;

namespace Pipelines.Engine.Storage;

/// <summary>
/// Decisions and explanations of one step. Decisions are rows of <c>decision_rows</c> keyed by a stream of
/// <c>decision_streams</c> (run, step and model, stored once per opened writer) and read through the
/// <c>decisions</c> view, which joins them back; explanations go to <c>decision_explanations</c>. A decision's
/// feature vector is one <c>DOUBLE[]</c> rather than a column per feature, so one table serves every feature set;
/// <c>decision_features</c> names its positions (1-based, as DuckDB indexes lists) once per opened writer.
/// </summary>
public sealed class StoreDecisionLog(PipelineStore store, string runId, string stepId) : IDecisionLog
{
    public IDecisionWriter OpenDecisions(string model, IReadOnlyList<string> features) =>
        new StoreDecisionWriter(store, runId, stepId, model, features);

    public IExplanationWriter OpenExplanations(string model) => new StoreExplanationWriter(store, runId, stepId, model);
}
