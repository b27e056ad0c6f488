using Pipelines.Learning.Compilation;
using Pipelines.Learning.Trees;
using Pipelines.Steps.Train;

namespace Pipelines.Steps.Inference;

/// <summary>
/// One registered model version ready for the tick path: a tree ensemble compiled for scoring and explained
/// (TreeSHAP) on demand by the explanation thread, which alone touches <see cref="Explainer"/>; or an ONNX model our
/// tree reader cannot take (train/mlnet's linear models), scored by ONNX Runtime through an allocation-free row
/// runner and not explained. Only the hot thread scores.
/// </summary>
public sealed class LoadedModel
{
    private TreeShapExplainer? _explainer;
    private readonly OnnxRuntimeModel? _onnx;

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

    /// <summary>The file as a registered model is stored: trees when our reader takes it, else ONNX Runtime's form.</summary>
    public static LoadedModel Load(string name, int version, string path)
    {
        var model = PredictiveModel.Load(path);
        return model.Trees is { } trees ? new LoadedModel(name, version, trees)
            : model.Onnx is { } onnx ? new LoadedModel(name, version, onnx)
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

    /// <summary>Scores one row with the compiled trees or ONNX Runtime; allocates nothing.</summary>
    public void Predict(ReadOnlySpan<double> features, Span<double> output)
    {
        if (Compiled is not null) Compiled.Predict(features, output);
        else _onnx!.Predict(features, output);
    }

    /// <summary>Built on first use: its tables cost time and memory that scoring never needs. Null for an ONNX Runtime model, which SHAP cannot explain here.</summary>
    public TreeShapExplainer? Explainer => Model is null ? null : _explainer ??= new TreeShapExplainer(Model);
}
