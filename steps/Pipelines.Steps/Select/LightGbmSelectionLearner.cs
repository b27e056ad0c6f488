using Pipelines.Learning.Data;
using Pipelines.Learning.Selection;
using Pipelines.Steps.Train;

namespace Pipelines.Steps.Select;

/// <summary>LightGBM through the train step's fit call; permutation importance is ours (<see cref="PermutationImportance"/>).</summary>
internal sealed class LightGbmSelectionLearner(GbdtFitter fitter, FoldScore score, int repeats, CancellationToken cancellationToken) : ISelectionLearner
{
    public bool HasTreeImportance => true;

    public IFittedModel Fit(DenseDataset rows) => fitter.Fit(rows, cancellationToken);

    public double[] TreeImportance(IFittedModel model, bool gain) => ((LightGbmFit)model).Booster.FeatureImportance(gain);

    public PermutationScores Permutation(IFittedModel model, DenseDataset test, ulong seed) =>
        PermutationImportance.Compute(test, model.Predict, score.Of, score.HigherIsBetter, repeats, seed);
}
