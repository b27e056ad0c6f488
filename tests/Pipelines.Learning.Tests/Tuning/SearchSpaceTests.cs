using Pipelines.Learning.Tuning;

namespace Pipelines.Learning.Tests.Tuning;

public class SearchSpaceTests
{
    [Fact]
    public void Inverted_ranges_are_rejected_naming_the_parameter()
    {
        var error = Assert.Throws<ArgumentException>(() => new SearchSpace().AddInt("max_depth", 10, 3));
        Assert.Contains("max_depth", error.Message);
        Assert.Contains("greater than high", error.Message);
        Assert.Contains("subsample", Assert.Throws<ArgumentException>(() => new SearchSpace().AddFloat("subsample", 1.0, 0.6)).Message);
    }

    [Fact]
    public void Log_ranges_need_a_positive_low()
    {
        var error = Assert.Throws<ArgumentException>(() => new SearchSpace().AddLogFloat("learning_rate", 0.0, 0.3));
        Assert.Contains("learning_rate", error.Message);
        Assert.Contains("low > 0", error.Message);
        Assert.Throws<ArgumentException>(() => new SearchSpace().AddLogFloat("learning_rate", -1.0, 0.3));
    }

    [Fact]
    public void Categoricals_need_distinct_choices()
    {
        Assert.Contains("at least one choice",
            Assert.Throws<ArgumentException>(() => new SearchSpace().AddCategorical("booster")).Message);
        Assert.Contains("distinct",
            Assert.Throws<ArgumentException>(() => new SearchSpace().AddCategorical("booster", "gbdt", "gbdt")).Message);
    }

    [Fact]
    public void Names_are_unique_and_finite_bounds_required()
    {
        var space = new SearchSpace().AddInt("n", 1, 2);
        Assert.Contains("declared twice", Assert.Throws<ArgumentException>(() => space.AddFloat("n", 0, 1)).Message);
        Assert.Throws<ArgumentException>(() => new SearchSpace().AddFloat("x", double.NaN, 1));
        Assert.Throws<ArgumentException>(() => new SearchSpace().AddFloat(" ", 0, 1));
    }
}
