using System.Text.Json;
using System.Text.Json.Serialization;
using Pipelines.Abstractions;
using Pipelines.Steps.Labels;

namespace Pipelines.Steps.Monitor;

/// <summary>
/// What a registered version learned to predict, found again from the store's lineage: the train step that made its
/// file names the target and objective; the <c>featurize/labels</c> step upstream that made a column of that name holds
/// its definition (kind, horizon, price column) and the time column the rows were ordered by.
/// </summary>
public sealed record ModelLabelDefinition(string Target, bool IsClassifier, LabelSpec Label, string TimeColumn)
{
    private const string LabelStepType = "featurize/labels";

    // The engine records a step's inputs with System.Text.Json's defaults and enums as names.
    private static readonly JsonSerializerOptions Recorded = new() { Converters = { new JsonStringEnumConverter() } };

    /// <exception cref="StepInputException">The version's lineage has no train step or no label definition of its target, or the label is one a monitor cannot recompute.</exception>
    public static ModelLabelDefinition Find(ModelVersion version, IReadOnlyList<LineageStep> lineage)
    {
        var who = $"model '{version.Name}' version {version.Version}";
        var trainer = lineage.FirstOrDefault(s => s.Depth == 1 && s.InputsJson is not null)
            ?? throw new StepInputException("model", $"{who}: the store records no step that made its file, so its target is unknown");
        using var trained = JsonDocument.Parse(trainer.InputsJson!);
        if (!trained.RootElement.TryGetProperty("Target", out var targetValue) || targetValue.GetString() is not { } target)
            throw new StepInputException("model", $"{who} was made by {trainer.StepType} (step '{trainer.StepId}'), which names no target");
        var objective = trained.RootElement.TryGetProperty("Objective", out var o) ? o.GetString() ?? "" : "";
        if (objective.StartsWith("Multiclass", StringComparison.Ordinal))
            throw new StepInputException("model", $"{who} is a multiclass model ({objective}); a decision stores one score, so monitor/performance judges binary classifiers and regressors");
        var isClassifier = objective is "Binary" or "CrossEntropy" or "CrossEntropyLambda" or "Logistic";

        foreach (var step in lineage.Where(s => s.StepType == LabelStepType && s.InputsJson is not null))
        {
            var inputs = JsonSerializer.Deserialize<LabelInputs>(step.InputsJson!, Recorded)!;
            var label = inputs.Labels.FirstOrDefault(l => l.Name == target);
            if (label is null) continue;
            if (label.Kind == LabelKind.Regime)
                throw new StepInputException("model", $"{who}'s target '{target}' is a regime class; monitor/performance recomputes forward-looking labels only");
            return new ModelLabelDefinition(target, isClassifier, label, inputs.TimeColumn);
        }
        throw new StepInputException("model",
            $"{who}'s target '{target}' was not made by a {LabelStepType} step upstream of it, so its outcome has no recorded definition; label the training table with {LabelStepType}");
    }
}
