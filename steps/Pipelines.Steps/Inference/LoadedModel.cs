using Pipelines.Learning.Compilation;
using Pipelines.Learning.Explain;
using Pipelines.Learning.Trees;
using Pipelines.Steps.Train;
using Pipelines.Steps.Train.Ensemble;

namespace Pipelines.Steps.Inference;

/// <summary>
/// One registered model version ready for the tick path: a tree ensemble compiled for scoring and explained
/// (TreeSHAP) on demand by the explanation thread, which alone touches <see cref="Explainer"/>; or an ONNX model our
/// tree reader cannot take (train/mlnet's linear models), scored by ONNX Runtime through an allocation-free row
/// runner and not explained; or an ensemble (train/ensemble) whose members score as those do, explained from its
/// members' SHAP values with a copy of its own (the regime model and row buffers are the hot thread's). Only the hot
/// thread scores.
/// </summary>
public sealed class LoadedModel
{
    private IShapExplainer? _explainer;
    private readonly OnnxRuntimeModel? _onnx;
    private readonly EnsembleModel? _ensemble;
    private readonly Func<EnsembleModel>? _ensembleForExplaining;

    public LoadedModel(string name, int version, TreeEnsembleModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        Name = name;
        Version = version;
        Model = model;
        Compiled = CompiledTreeEnsemble.Compile(model);
        FeatureNames = model.FeatureNames;
        OutputCount = Compiled.OutputCount;
    }

    public LoadedModel(string name, int version, OnnxRuntimeModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        Name = name;
        Version = version;
        _onnx = model;
        FeatureNames = model.FeatureNames;
        OutputCount = model.Outputs;
    }

    /// <param name="ensemble">The ensemble the hot thread scores with.</param>
    /// <param name="loadAnother">Loads another instance of the same ensemble, for the explanation thread.</param>
    public LoadedModel(string name, int version, EnsembleModel ensemble, Func<EnsembleModel> loadAnother)
    {
        ArgumentNullException.ThrowIfNull(ensemble);
        Name = name;
        Version = version;
        _ensemble = ensemble;
        _ensembleForExplaining = loadAnother;
        FeatureNames = ensemble.FeatureNames;
        OutputCount = ensemble.Outputs;
    }

    /// <summary>
    /// The file as a registered model is stored: trees when our reader takes it, else ONNX Runtime's form, or an
    /// ensemble whose files <paramref name="openFile"/> finds by hash.
    /// </summary>
    public static LoadedModel Load(string name, int version, string path, Func<string, string>? openFile = null)
    {
        var model = PredictiveModel.Load(path, openFile);
        return model.Trees is { } trees ? new LoadedModel(name, version, trees)
            : model.Onnx is { } onnx ? new LoadedModel(name, version, onnx)
            : model.Ensemble is { } ensemble ? new LoadedModel(name, version, ensemble, () => EnsembleModel.Load(path, openFile!))
            : throw new ModelFormatException($"{path}: model '{name}' v{version} is a linear model JSON; the tick path scores tree and ONNX models");
    }

    public string Name { get; }

    public int Version { get; }

    /// <summary>The tree ensemble; null for a model scored by ONNX Runtime.</summary>
    public TreeEnsembleModel? Model { get; }

    /// <summary>The compiled trees; null for a model scored by ONNX Runtime.</summary>
    public CompiledTreeEnsemble? Compiled { get; }

    public IReadOnlyList<string> FeatureNames { get; }

    public int OutputCount { get; }

    /// <summary>The ensemble; null for a single model.</summary>
    public EnsembleModel? Ensemble => _ensemble;

    /// <summary>Scores one row with the compiled trees, ONNX Runtime or the ensemble's members; allocates nothing.</summary>
    public void Predict(ReadOnlySpan<double> features, Span<double> output)
    {
        if (Compiled is not null) Compiled.Predict(features, output);
        else if (_ensemble is not null) _ensemble.Predict(features, output);
        else _onnx!.Predict(features, output);
    }

    /// <summary>
    /// Built on first use: its tables cost time and memory that scoring never needs. Null for an ONNX Runtime model, and
    /// for an ensemble without exact values (a member scored by ONNX Runtime that is not trees, or a LightGBM
    /// meta-learner): Kernel SHAP needs a background and hundreds of model runs a row, so the tick path leaves those
    /// decisions unexplained.
    /// </summary>
    public IShapExplainer? Explainer => _explainer ??= CreateExplainer();

    private IShapExplainer? CreateExplainer()
    {
        if (Model is not null) return new TreeShapExplainer(Model);
        if (_ensembleForExplaining is null || !EnsembleShapExplainer.IsExact(_ensemble!)) return null;
        return new EnsembleShapExplainer(_ensembleForExplaining());
    }
}
