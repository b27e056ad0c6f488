using Pipelines.Learning.Data;
using Pipelines.Learning.Linear;

namespace Pipelines.Steps.Train;

/// <summary>A fitted linear model as the training skeleton sees it.</summary>
internal sealed class LinearFit(LinearModel model) : IFittedModel
{
    public LinearModel Model { get; } = model;

    public int Outputs => 1;

    public double[] Predict(DenseDataset rows) => Model.PredictAll(rows);

    public void Dispose()
    {
    }
}
