using Pipelines.Engine.Planning;
using Pipelines.Engine.Storage;

namespace Pipelines.Engine.Execution;

/// <summary>Receives a run's progress, for a terminal display. Calls may come from several threads.</summary>
public interface IRunObserver
{
    void RunStarted(string runId, CompiledPipeline pipeline);
    void StepStarted(string stepId, int attempt);
    void StepProgress(string stepId, double fraction, string? message);
    void StepFinished(string stepId, StepStatus status, TimeSpan duration, string? message);
    void RunFinished(string runId, RunStatus status);
}
