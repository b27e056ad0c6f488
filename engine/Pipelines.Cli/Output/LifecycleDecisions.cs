using System.Globalization;
using System.Text.Json.Nodes;
using Pipelines.Engine.Storage;

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

    public static IReadOnlyList<Decision> For(PipelineStore store, IReadOnlyList<(int Version, string? RunId)> versions)
    {
        var decisions = new List<Decision>();
        foreach (var (version, runId) in versions)
        {
            if (runId is null) continue;
            foreach (var step in store.StepRuns(runId).Where(s => DecidingSteps.Contains(s.StepType)))
                decisions.Add(Describe(version, step));
        }
        return decisions;
    }

    private static Decision Describe(int version, StepRunRecord step)
    {
        var outputs = step.OutputsJson is null ? null : JsonNode.Parse(step.OutputsJson);
        var (outcome, detail) = step.StepType switch
        {
            _ when outputs is null => (StatusText.Of(step.Status), step.Message ?? ""),
            "validate/gate" => ((bool?)outputs["Passed"] == true ? "passed" : "failed",
                string.Join("; ", outputs["Reasons"]?.AsArray().Select(r => (string?)r) ?? [])),
            "shadow/compare" => ((string?)outputs["Decision"] ?? "", string.Create(CultureInfo.InvariantCulture,
                $"challenger loss {(double?)outputs["ChallengerLoss"]:0.####} vs champion {(double?)outputs["ChampionLoss"]:0.####}, p {(double?)outputs["PValue"]:0.####}, {(int?)outputs["Predictions"]} predictions")),
            _ => (StatusText.Of(step.Status), string.Create(CultureInfo.InvariantCulture,
                $"version {(int?)outputs["Version"]} now {(string?)outputs["Stage"]}")),
        };
        return new Decision(version, step.RunId, step.StepId, step.StepType, outcome, detail);
    }
}
