namespace Pipelines.Learning.Tuning;

/// <summary>Independent uniform (log-uniform for log ranges) draws; the same seed gives the same trials.</summary>
public sealed class RandomSampler : ISampler
{
    private readonly Random _random;

    public RandomSampler(int seed)
    {
        _random = new Random(seed);
    }

    public double[] Sample(SearchSpace space, IReadOnlyList<Trial> finishedTrials, StudyDirection direction)
    {
        ArgumentNullException.ThrowIfNull(space);
        return SampleUniform(space, _random);
    }

    internal static double[] SampleUniform(SearchSpace space, Random random)
    {
        var values = new double[space.Parameters.Count];
        for (int i = 0; i < values.Length; i++)
            values[i] = space.Parameters[i].SampleInternal(random);
        return values;
    }
}
