using Pipelines.Abstractions;
using Pipelines.Learning.LightGbm;
using Pipelines.Learning.Onnx;
using Pipelines.Learning.Trees;
using Pipelines.Learning.Linear;

namespace Pipelines.Steps.Train;

/// <summary>
/// train/gbdt's continue_from (INCREMENTAL retraining): the registered version it names, resolved once, checked to
/// be a LightGBM model of the same objective, and loaded as LightGBM's init model. The table's features must be the
/// parent's, in its order: new trees split on columns by position, so another list would silently mean other columns.
/// </summary>
internal sealed class ContinuedTraining : IDisposable
{
    private ContinuedTraining(ModelVersion version, LightGbmInitModel init, TreeEnsembleModel parent)
    {
        Version = version;
        Init = init;
        Parent = parent;
    }

    public ModelVersion Version { get; }

    public LightGbmInitModel Init { get; }

    public TreeEnsembleModel Parent { get; }

    public ContinuedFromRecord Record => new()
    {
        Model = Version.Name, Version = Version.Version, ModelSha256 = Version.Model.Sha256, ParentIterations = Init.Iterations,
    };

    /// <summary>The parent named by <paramref name="text"/>, or a <see cref="StepInputException"/> naming continue_from and the value.</summary>
    public static ContinuedTraining Resolve(string text, GbdtObjective objective, IStepContext context)
    {
        var reference = ModelReference.TryParse(text) ?? throw new StepInputException("continue_from", $"'{text}' is not {ModelReference.Shape}");
        var version = context.Registry.Find(reference.Name, reference.AliasOrVersion)
            ?? throw new StepInputException("continue_from", context.Registry.Models().Contains(reference.Name)
                ? $"model '{reference.Name}' has no '{reference.AliasOrVersion}' to continue from; train the first version without continue_from, or name an existing version"
                : $"there is no registered model '{reference.Name}' to continue from ('{text}'); train the first version without continue_from");
        var path = context.OpenArtifact(version.Model);
        context.RecordRead(version.Model);
        if (OnnxTreeEnsembleReader.LooksLikeOnnx(path) || LinearModelFile.LooksLikeLinearModel(path))
            throw new StepInputException("continue_from", $"{reference.Name} v{version.Version} is not a LightGBM model (train/gbdt's model.txt); only those can be continued with LightGBM");
        var modelText = File.ReadAllText(path);
        TreeEnsembleModel parent;
        try
        {
            parent = LightGbmModelReader.Parse(modelText, $"{reference.Name} v{version.Version}");
        }
        catch (ModelFormatException e)
        {
            throw new StepInputException("continue_from", e.Message);
        }
        if (parent.Objective.Name != objective.LightGbmName())
            throw new StepInputException("objective", $"{reference.Name} v{version.Version} was trained for {parent.Objective.Name}, not {objective.LightGbmName()}; continued trees must fit the same objective");
        LightGbmInitModel init;
        try
        {
            init = LightGbmInitModel.Load(modelText);
        }
        catch (LightGbmException e)
        {
            throw new StepInputException("continue_from", e.Message);
        }
        return new ContinuedTraining(version, init, parent);
    }

    /// <summary>Refuses a feature list other than the parent's, naming both.</summary>
    public void RequireParentFeatures(IReadOnlyList<string> features)
    {
        var normalised = LightGbmFeatureNames.NormalizeAll(features);
        if (!normalised.SequenceEqual(Parent.FeatureNames))
            throw new StepInputException("features", $"continuing {Version.Name} v{Version.Version} needs its features [{string.Join(", ", Parent.FeatureNames)}] in that order; the table gives [{string.Join(", ", features)}]");
        if (Init.Classes > 1 && Parent.TreesPerIteration != Init.Classes)
            throw new StepInputException("continue_from", $"{Version.Name} v{Version.Version} has {Parent.TreesPerIteration} trees per iteration for {Init.Classes} classes");
    }

    public void Dispose() => Init.Dispose();
}
