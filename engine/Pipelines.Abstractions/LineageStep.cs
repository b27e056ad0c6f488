namespace Pipelines.Abstractions;

/// <summary>
/// A step that made a model's file or a table upstream of it, with the inputs it ran with: how a model's training
/// configuration (its target, its objective, the label definitions of its training table) is found again.
/// </summary>
/// <param name="StepType">The step's type, e.g. <c>featurize/labels</c>.</param>
/// <param name="RunId">The run it belongs to.</param>
/// <param name="StepId">Its id in that run.</param>
/// <param name="InputsJson">Its resolved inputs as the engine recorded them (property names as in the step's input record).</param>
/// <param name="OutputsJson">Its outputs as recorded, when it finished.</param>
/// <param name="Depth">1 for the step that made the model file, 2 for the steps that made its inputs, and so on.</param>
public sealed record LineageStep(string StepType, string RunId, string StepId, string? InputsJson, string? OutputsJson, int Depth);
