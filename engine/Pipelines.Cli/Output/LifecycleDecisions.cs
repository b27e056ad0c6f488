using System.Globalization;
using System.Text.Json.Nodes;
using Pipelines.Engine.Storage;
using Pipelines.Service.Api.Runs;

namespace Pipelines.Cli.Output;

/// <summary>
/// What the runs that registered a model's versions decided about them: each gate with its reasons, each shadow
/// comparison with its losses, each promotion that ran or was skipped and why. This is how `pipelines models show`
/// answers "why was this candidate not promoted" without opening the runs one by one.
/// </summary>
public static class LifecycleDecisions
{
    public sealed record Decision(int Version, string RunId, string StepId, string StepType, string Outcome, string Detail);

    private static readonly HashSet<string> DecidingSteps = ["validate/gate", "shadow/compare", "registry/promote"];

    /// <summary>The decisions of the versions' runs, read from the store.</summary>
    public static IReadOnlyList<Decision> For(PipelineStore store, IReadOnlyList<(int Version, string? RunId)> versions) =>
        For(versions, runId => store.StepRuns(runId).Select(s => new StepOutcome(s.StepId, s.StepType, StatusText.Of(s.Status), s.Message, s.OutputsJson)).ToList());

    /// <summary>The decisions of the versions' runs, from runs as the service reports them.</summary>
    public static IReadOnlyList<Decision> For(IReadOnlyList<(int Version, string? RunId)> versions, Func<string, RunDetails?> runOf) =>
        For(versions, runId => runOf(runId)?.Steps.Select(s => new StepOutcome(s.Id, s.Type, s.Status, s.Message, s.OutputsJson)).ToList() ?? []);

    /// <summary>What a decision needs of a step, whichever way the step was read.</summary>
    private sealed record StepOutcome(string StepId, string StepType, string Status, string? Message, string? OutputsJson);

    private static IReadOnlyList<Decision> For(IReadOnlyList<(int Version, string? RunId)> versions, Func<string, IReadOnlyList<StepOutcome>> stepsOf)
    {
        var decisions = new List<Decision>();
        foreach (var (version, runId) in versions)
        {
            if (runId is null) continue;
            foreach (var step in stepsOf(runId).Where(s => DecidingSteps.Contains(s.StepType)))
                decisions.Add(Describe(version, runId, step));
        }
        return decisions;
    }

    private static Decision Describe(int version, string runId, StepOutcome step)
    {
        var outputs = step.OutputsJson is null ? null : JsonNode.Parse(step.OutputsJson);
        var (outcome, detail) = step.StepType switch
        {
            _ when outputs is null => (step.Status, step.Message ?? ""),
            "validate/gate" => ((bool?)outputs["Passed"] == true ? "passed" : "failed",
                string.Join("; ", outputs["Reasons"]?.AsArray().Select(r => (string?)r) ?? [])),
            "shadow/compare" => ((string?)outputs["Decision"] ?? "", string.Create(CultureInfo.InvariantCulture,
                $"challenger loss {(double?)outputs["ChallengerLoss"]:0.####} vs champion {(double?)outputs["ChampionLoss"]:0.####}, p {(double?)outputs["PValue"]:0.####}, {(int?)outputs["Predictions"]} predictions")),
            _ => (step.Status, string.Create(CultureInfo.InvariantCulture,
                $"version {(int?)outputs["Version"]} now {(string?)outputs["Stage"]}")),
        };
        return new Decision(version, runId, step.StepId, step.StepType, outcome, detail);
    }
}
