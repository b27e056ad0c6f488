namespace Pipelines.Learning.Tuning;

/// <summary>Thrown from an objective to stop a trial the pruner judged hopeless; the study records it as pruned.</summary>
public sealed class TrialPrunedException : Exception
{
    public TrialPrunedException(int trialNumber, int step)
        : base($"trial {trialNumber} pruned at step {step}")
    {
        TrialNumber = trialNumber;
        Step = step;
    }

    public int TrialNumber { get; }

    public int Step { get; }
}
