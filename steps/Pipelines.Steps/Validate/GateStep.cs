using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pipelines.Abstractions;

namespace Pipelines.Steps.Validate;

/// <summary>
/// Judges a trained model against declared thresholds and says why, requirement by requirement, so the
/// decision to promote (or not) can be read in the run record rather than reconstructed. Never reused from an
/// earlier run: a beats: requirement depends on which version the registry names now.
/// </summary>
[Step("validate/gate", "Validate", "Validation gate", Cacheable = false,
    Description = "Check a model's metrics against declared thresholds (e.g. auc >= 0.55, max_drawdown <= 0.12), optionally in every group of a column of the holdout rows (by: regime_next, a reason per group), and, with beats: champion, against the registered champion on the same holdout rows with a paired bootstrap; outputs passed and a readable reason per requirement.")]
public sealed class GateStep : Step<GateInputs, GateOutputs>
{
    public override Task<GateOutputs> ExecuteAsync(GateInputs inputs, IStepContext context, CancellationToken cancellationToken)
    {
        if (inputs.Require.Count == 0) throw new StepInputException("require", "declare at least one requirement");
        // Thresholds read any metrics JSON (a backtest's too); beats needs a train step's typed metrics.
        var json = File.ReadAllText(context.OpenArtifact(inputs.Metrics));
        JsonNode root;
        try
        {
            root = JsonNode.Parse(json)!;
        }
        catch (JsonException e)
        {
            throw new StepInputException("metrics", $"metrics artifact {inputs.Metrics.ShortId} is not JSON: {e.Message}");
        }
        var section = inputs.Section == GateSection.Holdout ? root["holdout"] : root["walk_forward"]?["mean"];
        var values = section as JsonObject;
        if (values is null && inputs.Require.Any(r => r.Beats is null && r.By is null))
            throw new StepInputException("section", $"the metrics have no {(inputs.Section == GateSection.Holdout ? "holdout" : "walk_forward")} results");

        var reasons = new List<string>();
        var checks = new List<GateCheck>();
        var passed = true;
        for (var index = 0; index < inputs.Require.Count; index++)
        {
            var requirement = inputs.Require[index];
            if (requirement is { Beats: not null, By: not null })
                throw new StepInputException($"require[{index}].by", "by: groups a threshold (min/max); a beats: comparison is made on every holdout row");
            if (requirement.Beats is not null)
            {
                var (beats, reason, check) = ChampionComparison.Evaluate(requirement, index, inputs, json, context);
                passed &= beats;
                reasons.Add(reason);
                checks.Add(check);
                continue;
            }
            if (requirement.Min is null && requirement.Max is null)
                throw new StepInputException("require", $"requirement on '{requirement.Metric}' has neither min nor max");
            if (requirement.By is not null)
            {
                foreach (var group in GroupedThreshold.Evaluate(requirement, index, inputs, json, context))
                {
                    passed &= group.Passed;
                    reasons.Add(group.Reason!);
                    checks.Add(group);
                }
                continue;
            }
            if (!values!.TryGetPropertyValue(requirement.Metric, out var node) || node is null)
                throw new StepInputException("require", $"metric '{requirement.Metric}' is not reported; available: {string.Join(", ", values.Select(v => v.Key))}");
            var value = node.GetValue<double>();
            var ok = (requirement.Min is not { } min || value >= min) && (requirement.Max is not { } max || value <= max);
            passed &= ok;
            var bound = string.Join(" and ", new[]
            {
                requirement.Min is { } lo ? string.Create(CultureInfo.InvariantCulture, $">= {lo}") : null,
                requirement.Max is { } hi ? string.Create(CultureInfo.InvariantCulture, $"<= {hi}") : null,
            }.Where(b => b is not null));
            reasons.Add(string.Create(CultureInfo.InvariantCulture, $"{requirement.Metric} = {value:0.######} {(ok ? "meets" : "FAILS")} {bound}"));
            checks.Add(new GateCheck { Metric = requirement.Metric, Value = value, Min = requirement.Min, Max = requirement.Max, Passed = ok });
        }
        var report = new GateReport { Passed = passed, Section = inputs.Section, Requirements = checks, MetricsSha256 = inputs.Metrics.Sha256 };
        var staged = context.StageArtifact("report", "json");
        File.WriteAllText(staged.Path, report.ToJson());
        foreach (var reason in reasons) context.Log.Information("Gate: {Reason}", reason);
        return Task.FromResult(new GateOutputs { Passed = passed, Reasons = reasons, Report = context.CommitArtifact(staged) });
    }
}
