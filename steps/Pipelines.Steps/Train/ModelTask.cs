namespace Pipelines.Steps.Train;

/// <summary>
/// What a model predicts, whatever it was trained on: a probability of the positive class, one probability per
/// class, a number, or (clustering, trained without a target) the index of a row's cluster. Labels, metrics, gates,
/// drift and reports are chosen by it; metrics.json records it as "objective".
/// </summary>
public enum ModelTask { Binary, Multiclass, Regression, Clustering }
