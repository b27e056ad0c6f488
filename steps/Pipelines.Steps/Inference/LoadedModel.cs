using Pipelines.Learning.Compilation;
using Pipelines.Learning.Trees;

namespace Pipelines.Steps.Inference;

/// <summary>
/// One registered model version ready for the tick path: compiled for scoring, and explained (TreeSHAP) on demand
/// by the explanation thread, which alone touches <see cref="Explainer"/>.
/// </summary>
public sealed class LoadedModel
{
    private TreeShapExplainer? _explainer;

    public LoadedModel(string name, int version, TreeEnsembleModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        Name = name;
        Version = version;
        Model = model;
        Compiled = CompiledTreeEnsemble.Compile(model);
    }

    public string Name { get; }

    public int Version { get; }

    public TreeEnsembleModel Model { get; }

    public CompiledTreeEnsemble Compiled { get; }

    /// <summary>Built on first use: its tables cost time and memory that scoring never needs.</summary>
    public TreeShapExplainer Explainer => _explainer ??= new TreeShapExplainer(Model);
}
