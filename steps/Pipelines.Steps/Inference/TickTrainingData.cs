using Pipelines.Learning.Data;
using Pipelines.Learning.Features;
using Pipelines.Steps.Ticks;

namespace Pipelines.Steps.Inference;

/// <summary>
/// A labelled table of tick features for training a model the tick loop can run: the features of each trade, as the
/// loop computes them, labelled 1 when the price <c>horizon</c> trades later is above the trade's price, else 0.
/// </summary>
public static class TickTrainingData
{
    /// <summary>Reads <paramref name="rows"/> + <paramref name="horizon"/> ticks and returns <paramref name="rows"/> labelled rows.</summary>
    public static async Task<DenseDataset> CollectAsync(ITickSource source, FeatureSet features, int rows, int horizon, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(horizon, 1);
        var evaluator = new StreamingFeatureEvaluator(features, TickColumns.Names);
        var width = features.Names.Count;
        var values = new double[rows * width];
        var prices = new double[rows + horizon];
        var row = new double[TickColumns.Names.Count];
        var buffer = new Tick[256];
        var taken = 0;
        while (taken < prices.Length)
        {
            var read = await source.ReadAsync(buffer.AsMemory(0, Math.Min(buffer.Length, prices.Length - taken)), cancellationToken).ConfigureAwait(false);
            if (read == 0)
                throw new InvalidOperationException($"{source.Name} ended after {taken} ticks; {prices.Length} are needed for {rows} rows and a horizon of {horizon}");
            for (var i = 0; i < read; i++, taken++)
            {
                TickColumns.Fill(in buffer[i], row);
                var computed = evaluator.Update(row);
                prices[taken] = buffer[i].Price;
                if (taken < rows) computed.CopyTo(values.AsSpan(taken * width, width));
            }
        }
        var labels = new double[rows];
        for (var r = 0; r < rows; r++) labels[r] = prices[r + horizon] > prices[r] ? 1 : 0;
        return new DenseDataset(values, rows, features.Names, labels);
    }
}
