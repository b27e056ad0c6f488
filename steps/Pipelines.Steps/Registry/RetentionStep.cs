using Pipelines.Abstractions;

namespace Pipelines.Steps.Registry;

/// <summary>
/// Scheduled maintenance of the store by ml.yaml's one retention policy: shadow predictions and decisions past their
/// age are deleted, retired versions' model files past theirs are archived, each change with an audit row naming the
/// run and step. A version any alias names (champion, challenger, custom) is never touched, nor a file such a version
/// shares or needs to load (an ensemble in use names its members' files). Running it again at once changes nothing.
/// </summary>
[Step("registry/retention", "Registry", "Apply retention", Cacheable = false,
    Description = "Apply ml.yaml's retention policy: delete shadow predictions older than retention.shadow_days (90) and decisions older than retention.decision_days (0: kept), and archive the model files of versions retired more than retention.archive_retired_days (180) ago into the store's archive directory with a manifest. Every change is audited; alias-holding versions are never touched; dry_run lists what would go.")]
public sealed class RetentionStep : Step<RetentionInputs, RetentionOutputs>
{
    public override Task<RetentionOutputs> ExecuteAsync(RetentionInputs inputs, IStepContext context, CancellationToken cancellationToken)
    {
        var policy = inputs.Policy(context.Settings.Retention);
        if (policy.Problems() is [var (key, problem), ..])
            throw new StepInputException(key, problem + " (ages not set on the step come from ml.yaml's retention: section)");
        var report = context.Registry.ApplyRetention(policy, DateTime.UtcNow, inputs.DryRun, inputs.Reason);
        foreach (var action in report.Actions) context.Log.Information(inputs.DryRun ? "Would {Action}" : "{Action}", action);
        context.Log.Information("Retention{DryRun}: {Shadow} shadow prediction(s), {Decisions} decision(s), {Archived} model file(s) archived",
            inputs.DryRun ? " (dry run)" : "", report.ShadowRows, report.DecisionRows, report.Archived.Count);
        return Task.FromResult(new RetentionOutputs
        {
            ShadowRows = report.ShadowRows, DecisionRows = report.DecisionRows, Archived = report.Archived, Actions = report.Actions, DryRun = inputs.DryRun,
        });
    }
}
