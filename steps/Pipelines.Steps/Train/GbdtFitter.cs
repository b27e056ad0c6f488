using Pipelines.Abstractions;
using Pipelines.Learning.Data;
using Pipelines.Learning.LightGbm;

namespace Pipelines.Steps.Train;

/// <summary>
/// train/gbdt's fit call: LightGBM on the given rows, continuing the init model when there is one. With early stopping, the latest rows (after the step's gap)
/// are held back as the validation rows LightGBM's metric is watched on. LightGBM's refusals name the params input.
/// </summary>
internal sealed class GbdtFitter(LightGbmParameters parameters, double validationFraction, int gap, LightGbmInitModel? initModel = null)
{
    public LightGbmParameters Parameters { get; } = parameters;

    public GbdtFitter With(LightGbmParameters other) => new(other, validationFraction, gap, initModel);

    /// <summary>Rows of <paramref name="rows"/> early stopping would watch rather than train on; 0 without early stopping.</summary>
    public int ValidationRows(int rows) => EarlyStopping ? (int)Math.Ceiling(rows * validationFraction) : 0;

    private bool EarlyStopping => Parameters.GetInt("early_stopping_round", 0) > 0;

    public IFittedModel Fit(DenseDataset rows, CancellationToken cancellationToken)
    {
        var train = rows;
        DenseDataset? valid = null;
        if (EarlyStopping)
        {
            var validRows = ValidationRows(rows.RowCount);
            var trainRows = rows.RowCount - validRows - gap;
            if (validRows < 1 || trainRows < 1)
                throw new StepInputException("validation_fraction", $"early stopping needs validation rows and training rows: {rows.RowCount} rows give {validRows} to validate and {Math.Max(0, trainRows)} to train after a gap of {gap}");
            train = TrainingArtifacts.Subset(rows, Enumerable.Range(0, trainRows).ToArray());
            valid = TrainingArtifacts.Subset(rows, Enumerable.Range(rows.RowCount - validRows, validRows).ToArray());
        }
        try
        {
            return new LightGbmFit(LightGbmTrainer.Train(train, valid, Parameters, cancellationToken, initModel));
        }
        catch (LightGbmException e)
        {
            throw new StepInputException("params", e.Message);
        }
        catch (ArgumentException e)
        {
            throw new StepInputException("params", e.Message);
        }
    }
}
