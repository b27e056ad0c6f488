namespace Pipelines.Engine.Triggers;

/// <summary>What a schedule does with the fires it missed while nothing was running.</summary>
public enum CatchUpPolicy
{
    /// <summary>Missed fires are dropped; the schedule resumes at its next fire.</summary>
    None,

    /// <summary>One run for the most recent missed fire.</summary>
    Latest,

    /// <summary>One run for every missed fire, oldest first.</summary>
    All,
}
