namespace Pipelines.Engine.Storage;

/// <summary>
/// Where a run stands. <see cref="Interrupted"/> is a run whose process ended without recording an end (killed,
/// crashed, the machine lost power); it is found when the next process opens the store and waits for a resume.
/// </summary>
public enum RunStatus { Running, Succeeded, Failed, Cancelled, Interrupted }
