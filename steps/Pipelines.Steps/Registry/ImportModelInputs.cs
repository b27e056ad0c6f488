using System.Globalization;
using Pipelines.Abstractions;

namespace Pipelines.Steps.Registry;

public sealed record ImportModelInputs : ICheckedInputs
{
    [Input("The ONNX file made by another tool (a PyTorch forecaster, an RL policy), in the workspace.", Example = "models/policy.onnx")]
    public required WorkspacePath Path { get; init; }

    [Input("The model's input features, in the order of the graph input's columns; every scoring step reads these columns by name.")]
    public required IReadOnlyList<string> Features { get; init; }

    [Input("What the output holds: probabilities (one per class in classes:, or one column for two classes: the second's), regression (one number) or action (a vector, one value per name in actions:).")]
    public required OutputMeaning Output { get; init; }

    [Input("Class names of a probabilities output, in the output's column order.")]
    public IReadOnlyList<string> Classes { get; init; } = [];

    [Input("Names of an action output's components, in the output's column order.")]
    public IReadOnlyList<string> Actions { get; init; } = [];

    [Input("The graph input the features go to; by default the graph's only input.")]
    public string? InputName { get; init; }

    [Input("The graph output the predictions are read from; by default the graph's only output.")]
    public string? OutputName { get; init; }

    [Input("A labelled table to evaluate the model on (every labelled row is a holdout row), so validate/gate can judge it and a later version can be compared with it (beats: champion). Not for action outputs.")]
    public Artifact? Evaluate { get; init; }

    [Input("Label column of the evaluate table: class names (or their 0-based index) for probabilities, numbers for regression.")]
    public string? Target { get; init; }

    public IEnumerable<InputProblem> Problems()
    {
        if (Features.Count == 0) yield return new InputProblem("features", "list the model's input features");
        if (Features.FirstOrDefault(f => f.Contains(',', StringComparison.Ordinal) || f.Length == 0) is { } bad)
            yield return new InputProblem("features", $"feature '{bad}' must be a non-empty name without commas");
        if (Features.GroupBy(f => f, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
            yield return new InputProblem("features", $"feature '{twice.Key}' is listed twice");
        switch (Output)
        {
            case OutputMeaning.Probabilities when Classes.Count < 2:
                yield return new InputProblem("classes", string.Create(CultureInfo.InvariantCulture, $"a probabilities output needs at least two class names, got {Classes.Count}"), "output");
                break;
            case OutputMeaning.Regression or OutputMeaning.Action when Classes.Count > 0:
                yield return new InputProblem("classes", $"classes describe a probabilities output, not {Output.ToString().ToLowerInvariant()}", "output");
                break;
        }
        if (Output != OutputMeaning.Action && Actions.Count > 0)
            yield return new InputProblem("actions", $"actions name an action output's components, not {Output.ToString().ToLowerInvariant()}", "output");
        if (Output == OutputMeaning.Action && Evaluate is not null)
            yield return new InputProblem("evaluate", "an action vector has no label to be evaluated against; leave evaluate out", "output");
        if (Evaluate is not null && string.IsNullOrEmpty(Target)) yield return new InputProblem("target", "evaluate needs the label column", "evaluate");
        if (Evaluate is null && Target is not null) yield return new InputProblem("evaluate", "target names the label column of an evaluate table; give the table", "target");
        foreach (var names in new[] { ("classes", Classes), ("actions", Actions) })
            if (names.Item2.FirstOrDefault(n => n.Contains(',', StringComparison.Ordinal) || n.Length == 0) is { } name)
                yield return new InputProblem(names.Item1, $"'{name}' must be a non-empty name without commas");
    }
}
