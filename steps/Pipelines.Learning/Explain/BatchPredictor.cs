namespace Pipelines.Learning.Explain;

/// <summary>
/// A model scored on many rows at once: <paramref name="rows"/> holds <paramref name="rowCount"/> rows of features one
/// after another, and the model writes its outputs for each row, one row after another, into <paramref name="outputs"/>.
/// Model-agnostic explainers (Kernel SHAP) need nothing else of a model.
/// </summary>
public delegate void BatchPredictor(ReadOnlySpan<double> rows, int rowCount, Span<double> outputs);
