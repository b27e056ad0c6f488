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

    /// <summary>How long a delivery that lost the store waits before it runs again on this node.</summary>
    public static readonly TimeSpan StoreRetryDelay = TimeSpan.FromSeconds(3);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var data = context.MergedJobDataMap;
        try
        {
            await node.RunStepAsync(data.GetString(RunKey)!, data.GetString(StepKey)!, context.Recovering, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is Pipelines.Engine.Storage.StoreUnavailableException or Npgsql.NpgsqlException)
        {
            // The store stayed away longer than its own reconnection backoff. The step's record, if any, is whole or absent
            // (each is one transaction), so the delivery is simply made again: the step runs, or finds itself completed.
            node.Log.Warning("Step {Step} of run {RunId} lost the store ({Error}); delivering it again in {Delay}",
                data.GetString(StepKey), data.GetString(RunKey), e.Message, StoreRetryDelay);
            await Task.Delay(StoreRetryDelay, CancellationToken.None).ConfigureAwait(false);
            throw new JobExecutionException(e) { RefireImmediately = true };
        }
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
