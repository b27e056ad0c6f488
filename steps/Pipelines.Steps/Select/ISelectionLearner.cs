using Pipelines.Learning.Data;
using Pipelines.Learning.Selection;
using Pipelines.Steps.Train;

namespace Pipelines.Steps.Select;

/// <summary>The model family selection scores features with: its fit call, the importances it knows, and permutation importance on rows it has not seen.</summary>
internal interface ISelectionLearner
{
    /// <summary>Whether the family reports LightGBM's gain and split importance.</summary>
    bool HasTreeImportance { get; }

    IFittedModel Fit(DenseDataset rows);

    /// <summary>Gain (or split count) per feature of a fitted model.</summary>
    double[] TreeImportance(IFittedModel model, bool gain);

    PermutationScores Permutation(IFittedModel model, DenseDataset test, ulong seed);
}
