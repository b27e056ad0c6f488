namespace Pipelines.Steps.Select;

/// <summary>
/// A feature subset scored on the folds: the mean score, and per feature (in the subset's order) each importance's
/// mean over the folds and its standard deviation across them; an importance not computed is null.
/// </summary>
internal sealed record FeatureScores(double Score, FoldMeans? Gain, FoldMeans? Split, FoldMeans? Permutation)
{
    public FoldMeans Of(ImportanceKind kind) => kind switch
    {
        ImportanceKind.Gain => Gain,
        ImportanceKind.Split => Split,
        _ => Permutation,
    } ?? throw new InvalidOperationException($"{kind} importance was not computed");
}

/// <summary>Per feature, the mean over folds and the sample standard deviation across folds.</summary>
internal sealed record FoldMeans(double[] Mean, double[] StandardDeviation)
{
    public static FoldMeans Of(IReadOnlyList<double[]> perFold)
    {
        var width = perFold[0].Length;
        var mean = new double[width];
        var deviation = new double[width];
        for (var j = 0; j < width; j++)
        {
            var values = perFold.Select(f => f[j]).ToArray();
            mean[j] = values.Average();
            deviation[j] = values.Length < 2 ? 0 : Math.Sqrt(values.Sum(v => (v - mean[j]) * (v - mean[j])) / (values.Length - 1));
        }
        return new FoldMeans(mean, deviation);
    }
}
