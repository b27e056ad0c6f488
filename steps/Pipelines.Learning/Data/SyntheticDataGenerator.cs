using System.Globalization;

namespace Pipelines.Learning.Data;

/// <summary>
/// The synthetic stream behind the LightGBM reference fixtures (tests/fixtures/lightgbm/README.md): uniform
/// features rounded to 6 decimals, a nonlinear latent score with interactions, a 5% missing f6, and a label drawn
/// from it. The same seed gives the same rows as the fixtures, so benchmarks compare like with like.
/// </summary>
public static class SyntheticDataGenerator
{
    /// <summary>Generates rows <paramref name="skipRows"/> .. skipRows+rowCount-1 of the stream for <paramref name="seed"/>.</summary>
    public static DenseDataset Generate(SyntheticTask task, int rowCount, int featureCount, ulong seed, int skipRows = 0)
    {
        if (rowCount < 0) throw new ArgumentOutOfRangeException(nameof(rowCount), rowCount, "Row count cannot be negative.");
        if (skipRows < 0) throw new ArgumentOutOfRangeException(nameof(skipRows), skipRows, "Skipped rows cannot be negative.");
        if (featureCount < 7)
            throw new ArgumentOutOfRangeException(nameof(featureCount), featureCount, "The latent score reads f0..f6, so at least 7 features are needed.");

        var random = new SplitMix64(seed);
        var row = new double[featureCount];
        for (int r = 0; r < skipRows; r++) NextRow(task, ref random, row);

        var values = new double[(long)rowCount * featureCount];
        var labels = new double[rowCount];
        for (int r = 0; r < rowCount; r++)
        {
            labels[r] = NextRow(task, ref random, row);
            row.CopyTo(values, (long)r * featureCount);
        }
        var names = Enumerable.Range(0, featureCount).Select(j => "f" + j.ToString(CultureInfo.InvariantCulture)).ToArray();
        return new DenseDataset(values, rowCount, names, labels);
    }

    private static double NextRow(SyntheticTask task, ref SplitMix64 random, double[] row)
    {
        for (int j = 0; j < row.Length; j++) row[j] = RoundTo6(2 * random.NextUniform() - 1);
        bool missing = random.NextUniform() < 0.05;
        double g = 2 * row[0] - 1.5 * row[1] * row[2] + Math.Sin(3 * row[3]) + 0.5 * (row[4] > 0 ? 1 : 0)
                   - 0.8 * row[5] * row[5] + (missing ? 0.3 : 0.7 * row[6]);
        if (missing) row[6] = double.NaN;
        double u = random.NextUniform();
        switch (task)
        {
            case SyntheticTask.Binary:
                return u < 1 / (1 + Math.Exp(-g)) ? 1 : 0;
            case SyntheticTask.Regression:
                return RoundTo6(g + 0.3 * (2 * u - 1));
            case SyntheticTask.Multiclass:
                double t = g + 0.5 * (2 * u - 1);
                return t < -0.5 ? 0 : (t < 0.8 ? 1 : 2);
            default:
                throw new ArgumentOutOfRangeException(nameof(task), task, "Unknown synthetic task.");
        }
    }

    // Decimal rounding of the exact binary value (what the reference generator's round(x, 6) does); Math.Round
    // scales by 10^6 first and can land one unit off.
    private static double RoundTo6(double value) =>
        double.Parse(value.ToString("F6", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}
