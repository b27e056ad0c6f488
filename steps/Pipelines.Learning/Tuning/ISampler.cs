namespace Pipelines.Learning.Tuning;

/// <summary>Chooses the parameters of the next trial from the space and the trials finished so far.</summary>
public interface ISampler
{
    /// <returns>one internal value per parameter of <paramref name="space"/>, in declaration order</returns>
    double[] Sample(SearchSpace space, IReadOnlyList<Trial> finishedTrials, StudyDirection direction);
}
