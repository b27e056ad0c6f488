namespace Pipelines.Learning.Tuning;

public enum TrialState
{
    Running,
    Complete,
    Pruned,
    Failed,
}
