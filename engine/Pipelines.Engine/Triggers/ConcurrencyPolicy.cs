namespace Pipelines.Engine.Triggers;

/// <summary>What happens when a pipeline is started while a run of it is still going.</summary>
public enum ConcurrencyPolicy
{
    /// <summary>Both run; the default, as in Argo Workflows.</summary>
    Allow,

    /// <summary>The new start is refused and recorded as a <c>trigger.skipped</c> event.</summary>
    Forbid,

    /// <summary>The running run is cancelled and the new one starts.</summary>
    Replace,

    /// <summary>The new run waits until the running one ends.</summary>
    Queue,
}
