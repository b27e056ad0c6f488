using Pipelines.Learning.Augmentation;

namespace Pipelines.Learning.Tests.Augmentation;

public sealed class SmoteTests
{
    // Five points on a line, x = 0, 1, 3, 7, 15 (one feature) and y = 0.
    private static readonly double[] Points = [0, 0, 1, 0, 3, 0, 7, 0, 15, 0];

    [Fact]
    public void Neighbours_are_the_k_nearest_others_found_by_brute_force()
    {
        var samples = Smote.Sample(Points, features: 2, count: 500, k: 2, seed: 3);
        var rows = Enumerable.Range(0, 5).ToArray();
        foreach (var s in samples)
        {
            var nearest = rows.Where(j => j != s.Base).OrderBy(j => Math.Abs(Points[2 * j] - Points[2 * s.Base])).ThenBy(j => j).Take(2).ToArray();
            Assert.Contains(s.Neighbour, nearest);
            Assert.InRange(s.Gap, 0.0, 0.999999999);
        }
        // Bases cycle through the class; each of a base's two neighbours is drawn.
        Assert.Equal(Enumerable.Range(0, 500).Select(t => t % 5), samples.Select(s => s.Base));
        Assert.Equal(2, samples.Where(s => s.Base == 4).Select(s => s.Neighbour).Distinct().Count());
    }

    [Fact]
    public void A_class_of_one_row_or_k_above_its_size_less_one_is_refused_with_the_numbers()
    {
        var one = Assert.Throws<ArgumentException>(() => Smote.Sample([1.0, 2.0], 2, 3, 1, 1));
        Assert.Contains("1 row", one.Message);
        var k = Assert.Throws<ArgumentOutOfRangeException>(() => Smote.Sample(Points, 2, 3, 5, 1));
        Assert.Contains("between 1 and 4", k.Message);
    }

    [Fact]
    public void The_same_seed_gives_the_same_rows() =>
        Assert.Equal(Smote.Sample(Points, 2, 20, 3, 9), Smote.Sample(Points, 2, 20, 3, 9));
}
