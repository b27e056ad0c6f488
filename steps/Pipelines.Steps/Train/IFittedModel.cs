using Pipelines.Learning.Data;

namespace Pipelines.Steps.Train;

/// <summary>What a trainer's fit call gives the training skeleton: predictions for rows it has not seen.</summary>
internal interface IFittedModel : IDisposable
{
    /// <summary>Values per row: 1, or one probability per class.</summary>
    int Outputs { get; }

    /// <summary>Predictions (probabilities for classifiers), <see cref="Outputs"/> per row, rows one after another.</summary>
    double[] Predict(DenseDataset rows);
}
