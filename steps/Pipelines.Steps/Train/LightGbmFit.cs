using Pipelines.Learning.Data;
using Pipelines.Learning.LightGbm;

namespace Pipelines.Steps.Train;

/// <summary>A LightGBM booster as the training skeleton sees it: LightGBM's own predictions.</summary>
internal sealed class LightGbmFit(LightGbmBooster booster) : IFittedModel
{
    public LightGbmBooster Booster { get; } = booster;

    public int Outputs => Booster.Outputs;

    public double[] Predict(DenseDataset rows) => Booster.Predict(rows);

    public void Dispose() => Booster.Dispose();
}
