namespace Pipelines.Learning.Onnx;

/// <summary>What an exported ONNX model computes.</summary>
public enum OnnxOutputKind
{
    /// <summary>Raw scores (sum of tree outputs per class): a TreeEnsembleRegressor with output "scores" [N, classes].</summary>
    RawScores,

    /// <summary>
    /// The model's predictions: for classifiers a TreeEnsembleClassifier with outputs "label" [N] and "probabilities"
    /// [N, classes] (two columns, 1 - p and p, for binary); for regression "scores" [N, 1] (exp applied for log links).
    /// </summary>
    Predictions,
}
