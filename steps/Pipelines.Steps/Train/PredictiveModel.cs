using Pipelines.Learning.Linear;
using Pipelines.Learning.Onnx;
using Pipelines.Learning.Trees;

namespace Pipelines.Steps.Train;

/// <summary>
/// A trained model file of any format a registered version may hold — LightGBM model text (train/gbdt), the linear
/// model JSON (train/linear) or an ONNX TreeEnsemble model — behind one prediction call, so steps that score
/// registered models accept them all.
/// </summary>
public sealed class PredictiveModel
{
    private PredictiveModel(TreeEnsembleModel? trees, LinearModel? linear)
    {
        Trees = trees;
        Linear = linear;
        if (trees is not null)
        {
            FeatureNames = trees.FeatureNames;
            Outputs = trees.TreesPerIteration;
            Kind = trees.Objective.Kind;
        }
        else
        {
            FeatureNames = linear!.FeatureNames;
            Outputs = 1;
            Kind = linear.Objective == LinearObjective.Logistic ? ObjectiveKind.Sigmoid : ObjectiveKind.Identity;
        }
    }

    /// <summary>The tree ensemble, for tree-only uses (SHAP, export); null for a linear model.</summary>
    public TreeEnsembleModel? Trees { get; }

    /// <summary>The linear model; null for a tree ensemble.</summary>
    public LinearModel? Linear { get; }

    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>Values per prediction: 1 (binary probability or regression value) or one probability per class.</summary>
    public int Outputs { get; }

    /// <summary>How outputs relate to the task: Sigmoid for binary, Softmax for multiclass, Identity for regression.</summary>
    public ObjectiveKind Kind { get; }

    public bool IsRegression => Kind is ObjectiveKind.Identity or ObjectiveKind.Exponential;

    /// <summary>Reads a model file, telling the formats apart by their first byte (ONNX protobuf, a JSON object, or model text).</summary>
    public static PredictiveModel Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return !OnnxTreeEnsembleReader.LooksLikeOnnx(path) && LinearModelFile.LooksLikeLinearModel(path)
            ? new PredictiveModel(null, LinearModelFile.Load(path))
            : new PredictiveModel(LoadTreeEnsemble(path), null);
    }

    /// <summary>Reads a tree model file: ONNX TreeEnsemble or LightGBM model text, told apart by the first byte.</summary>
    public static TreeEnsembleModel LoadTreeEnsemble(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return OnnxTreeEnsembleReader.LooksLikeOnnx(path) ? OnnxTreeEnsembleReader.Load(path) : LightGbmModelReader.Load(path);
    }

    /// <summary>Writes <see cref="Outputs"/> predictions for one row of features in <see cref="FeatureNames"/> order.</summary>
    public void Predict(ReadOnlySpan<double> features, Span<double> output)
    {
        if (Trees is not null) Trees.Predict(features, output);
        else output[0] = Linear!.Predict(features);
    }
}
