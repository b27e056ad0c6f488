using Pipelines.Learning.Validation;

namespace Pipelines.Learning.Tests.Validation;

internal static class FoldAssert
{
    public static void StrictlyAscending(int[] indices)
    {
        for (int i = 1; i < indices.Length; i++)
            Assert.True(indices[i] > indices[i - 1], $"indices not strictly ascending at {i}");
    }

    public static void Disjoint(Fold fold)
    {
        var test = new HashSet<int>(fold.Test);
        foreach (int i in fold.Train)
            Assert.False(test.Contains(i), $"fold {fold.Number}: row {i} is in both train and test");
    }

    /// <summary>Every training row precedes every test row by more than <paramref name="gap"/> rows.</summary>
    public static void TrainsOnlyOnThePast(Fold fold, int gap)
    {
        Assert.NotEmpty(fold.Train);
        Assert.NotEmpty(fold.Test);
        Assert.True(fold.Train[^1] + gap < fold.Test[0],
            $"fold {fold.Number}: last train row {fold.Train[^1]} not before first test row {fold.Test[0]} by gap {gap}");
    }
}
