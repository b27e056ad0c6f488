namespace Pipelines.Engine.Storage;

/// <summary>Statuses are stored as lower-case words so SQL over the store reads naturally.</summary>
public static class StatusText
{
    public static string Of(RunStatus status) => status.ToString().ToLowerInvariant();
    public static string Of(StepStatus status) => status.ToString().ToLowerInvariant();
    public static RunStatus ParseRun(string text) => Enum.Parse<RunStatus>(text, ignoreCase: true);
    public static StepStatus ParseStep(string text) => Enum.Parse<StepStatus>(text, ignoreCase: true);
}
