namespace Pipelines.Learning.Tests.Drift;

internal static class SampleStreams
{
    /// <summary>Standard normal draw by the Box–Muller transform.</summary>
    public static double Gaussian(Random random)
    {
        double u1 = 1.0 - random.NextDouble();
        double u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    public static double Bernoulli(Random random, double p) => random.NextDouble() < p ? 1.0 : 0.0;

    public static double[] Gaussians(int seed, int count, double mean = 0.0)
    {
        var random = new Random(seed);
        var values = new double[count];
        for (int i = 0; i < count; i++)
            values[i] = mean + Gaussian(random);
        return values;
    }
}
