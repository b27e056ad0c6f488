using Quartz;

namespace Pipelines.Service.Cluster;

/// <summary>
/// One step of one cluster run as a Quartz job: identified by the step id in the run's job group, durable (its key stays
/// until the run ends, so handing the same step to the scheduler twice is refused by the key), and requesting recovery (a
/// node that dies while running it has it run again on another node once the cluster misses its check-in).
/// </summary>
internal sealed class StepJob(ClusterNode node) : IJob
{
    public const string RunKey = "run";
    public const string StepKey = "step";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var data = context.MergedJobDataMap;
        await node.RunStepAsync(data.GetString(RunKey)!, data.GetString(StepKey)!, context.Recovering, cancellationToken).ConfigureAwait(false);
    }

    public static JobKey Key(string runId, string stepId) => new(stepId, runId);

    public static IJobDetail Detail(string runId, string stepId) => JobBuilder.Create<StepJob>()
        .WithIdentity(Key(runId, stepId))
        .UsingJobData(RunKey, runId)
        .UsingJobData(StepKey, stepId)
        .StoreDurably()
        .RequestRecovery()
        .Build();

    /// <summary>Fires now, on a node that serves the step's label (Quartz's execution group), or on any node when it needs none.</summary>
    public static ITrigger Trigger(string runId, string stepId, string? runsOn) => TriggerBuilder.Create()
        .WithIdentity(stepId, runId)
        .ForJob(Key(runId, stepId))
        .WithExecutionGroup(runsOn)
        .StartNow()
        .Build();
}
