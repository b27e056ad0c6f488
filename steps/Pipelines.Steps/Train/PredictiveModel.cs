using Pipelines.Learning.Linear;
using Pipelines.Learning.Onnx;
using Pipelines.Learning.Trees;
using Pipelines.Steps.Train.Ensemble;

namespace Pipelines.Steps.Train;

/// <summary>
/// A trained model file of any format a registered version may hold — LightGBM model text (train/gbdt), the linear
/// model JSON (train/linear), an ONNX TreeEnsemble model (read into our trees), or another ONNX model carrying the
/// <see cref="OnnxScoringContract"/> metadata (train/mlnet's linear and k-means models, scored by ONNX Runtime), or an
/// ensemble manifest (train/ensemble) naming such files by hash — behind one prediction call, so steps that score
/// registered models accept them all.
/// </summary>
public sealed class PredictiveModel
{
    private PredictiveModel(TreeEnsembleModel? trees, LinearModel? linear, OnnxRuntimeModel? onnx = null, EnsembleModel? ensemble = null)
    {
        Trees = trees;
        Linear = linear;
        Onnx = onnx;
        Ensemble = ensemble;
        if (ensemble is not null)
        {
            FeatureNames = ensemble.FeatureNames;
            Outputs = ensemble.Outputs;
            Kind = ensemble.Kind;
        }
        else if (onnx is not null)
        {
            FeatureNames = onnx.FeatureNames;
            Outputs = onnx.Outputs;
            Kind = onnx.Task switch
            {
                ModelTask.Binary => ObjectiveKind.Sigmoid,
                ModelTask.Multiclass => ObjectiveKind.Softmax,
                _ => ObjectiveKind.Identity,
            };
        }
        else if (trees is not null)
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

    /// <summary>An ONNX model our tree reader cannot take, scored by ONNX Runtime; null otherwise. SHAP needs a tree or linear model.</summary>
    public OnnxRuntimeModel? Onnx { get; }

    /// <summary>An ensemble of models read from their files by hash; null for a single model.</summary>
    public EnsembleModel? Ensemble { get; }

    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>Values per prediction: 1 (binary probability or regression value) or one probability per class.</summary>
    public int Outputs { get; }

    /// <summary>How outputs relate to the task: Sigmoid for binary, Softmax for multiclass, Identity for regression.</summary>
    public ObjectiveKind Kind { get; }

    public bool IsRegression => Kind is ObjectiveKind.Identity or ObjectiveKind.Exponential;

    /// <summary>
    /// Reads a model file, telling the formats apart by their first byte (ONNX protobuf, a JSON object, or model
    /// text). An ONNX model is read as trees when it is a tree ensemble, else opened in ONNX Runtime when its metadata
    /// says how to read its output; otherwise both refusals are given. An ensemble manifest (a JSON object whose format
    /// says so) needs <paramref name="openFile"/> to find the files it names by SHA-256; see <see cref="ModelLoading"/>.
    /// </summary>
    public static PredictiveModel Load(string path, Func<string, string>? openFile = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!OnnxTreeEnsembleReader.LooksLikeOnnx(path))
        {
            if (!LinearModelFile.LooksLikeLinearModel(path)) return new PredictiveModel(LightGbmModelReader.Load(path), null);
            if (!EnsembleManifest.IsManifest(path)) return new PredictiveModel(null, LinearModelFile.Load(path));
            if (openFile is null)
                throw new ModelFormatException($"{Path.GetFileName(path)}: an ensemble manifest names its members by hash; it is loaded where the artifact store can be asked for them");
            return new PredictiveModel(null, null, null, EnsembleModel.Load(path, openFile));
        }
        try
        {
            return new PredictiveModel(OnnxTreeEnsembleReader.Load(path), null);
        }
        catch (ModelFormatException notTrees)
        {
            try
            {
                return new PredictiveModel(null, null, OnnxRuntimeModel.Open(path));
            }
            catch (ModelFormatException notScorable)
            {
                throw new ModelFormatException($"{notTrees.Message} Nor can ONNX Runtime score it: {notScorable.Message}");
            }
            catch (Pipelines.OnnxRuntime.OnnxModelException unreadable)
            {
                throw new ModelFormatException($"{notTrees.Message} Nor can ONNX Runtime load it: {unreadable.Message}");
            }
        }
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
        if (Ensemble is not null) Ensemble.Predict(features, output);
        else if (Trees is not null) Trees.Predict(features, output);
        else if (Onnx is not null) Onnx.Predict(features, output);
        else output[0] = Linear!.Predict(features);
    }
}
