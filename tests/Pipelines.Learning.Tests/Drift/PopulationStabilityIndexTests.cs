using Pipelines.Learning.Drift;

namespace Pipelines.Learning.Tests.Drift;

public class PopulationStabilityIndexTests
{
    [Fact]
    public void Quantile_edges_split_the_reference_evenly()
    {
        // 10 values, 5 bins: edge k is the value of rank ceil(2k): ranks 2,4,6,8 -> values 2,4,6,8
        double[] reference = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        Assert.Equal([2.0, 4.0, 6.0, 8.0], PopulationStabilityIndex.QuantileEdges(reference, 5));
    }

    [Fact]
    public void Psi_matches_hand_computation_with_an_empty_bin()
    {
        // bins (-inf,2], (2,4], (4,6], (6,8], (8,inf); reference 0.2 each
        // current {1,1,1,1 | 3,3 | 5 | - | 9,9,9} -> 0.4, 0.2, 0.1, 0 -> 1e-4, 0.3
        // PSI = 0.2 ln 2 + 0 + (-0.1) ln 0.5 + (1e-4 - 0.2) ln(1e-4 / 0.2) + 0.1 ln 1.5
        //     = 0.138629 + 0.069315 + 1.519458 + 0.040547 = 1.767949
        double expected = 0.2 * Math.Log(2) - 0.1 * Math.Log(0.5) + (1e-4 - 0.2) * Math.Log(1e-4 / 0.2) + 0.1 * Math.Log(1.5);
        double psi = PopulationStabilityIndex.Compute(
            [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [1, 1, 1, 1, 3, 3, 5, 9, 9, 9], binCount: 5);
        Assert.Equal(expected, psi, 12);
        Assert.Equal(1.76791, psi, 5);
    }

    [Fact]
    public void Psi_from_proportions_matches_the_textbook_formula()
    {
        // expected 0.25 each; actual 0.1, 0.2, 0.3, 0.4
        // (-0.15) ln 0.4 + (-0.05) ln 0.8 + 0.05 ln 1.2 + 0.15 ln 1.6
        // = 0.137444 + 0.011157 + 0.009116 + 0.070500 = 0.228217
        double psi = PopulationStabilityIndex.FromProportions([0.25, 0.25, 0.25, 0.25], [0.1, 0.2, 0.3, 0.4]);
        Assert.Equal(-0.15 * Math.Log(0.4) - 0.05 * Math.Log(0.8) + 0.05 * Math.Log(1.2) + 0.15 * Math.Log(1.6), psi, 12);
        Assert.Equal(0.228217, psi, 6);
    }

    [Fact]
    public void Same_distribution_scores_near_zero_and_a_shift_scores_high()
    {
        double[] reference = SampleStreams.Gaussians(1, 5000);
        Assert.True(PopulationStabilityIndex.Compute(reference, SampleStreams.Gaussians(2, 5000)) < 0.02);
        // a one-standard-deviation shift is far past the 0.25 critical mark
        Assert.True(PopulationStabilityIndex.Compute(reference, SampleStreams.Gaussians(3, 5000, mean: 1.0)) > 0.5);
    }

    [Fact]
    public void Tied_reference_values_merge_bins()
    {
        // reference is 0 seven times and 1 three times: every quantile edge is 0 or 1; 1 is the maximum,
        // so only the edge 0 survives and there are two bins: (-inf,0] and (0,inf)
        double[] reference = [0, 0, 0, 0, 0, 0, 0, 1, 1, 1];
        Assert.Equal([0.0], PopulationStabilityIndex.QuantileEdges(reference, 10));
        // current 0.5 / 0.5 against 0.7 / 0.3: (-0.2) ln(5/7) + 0.2 ln(5/3)
        double expected = -0.2 * Math.Log(5.0 / 7.0) + 0.2 * Math.Log(5.0 / 3.0);
        Assert.Equal(expected, PopulationStabilityIndex.Compute(reference, [0, 1, 0, 1]), 12);
    }

    [Fact]
    public void Bad_input_names_the_argument()
    {
        Assert.Equal("current",
            Assert.Throws<ArgumentException>(() => PopulationStabilityIndex.Compute([1.0, 2.0], [])).ParamName);
        Assert.Equal("binCount",
            Assert.Throws<ArgumentOutOfRangeException>(() => PopulationStabilityIndex.Compute([1.0, 2.0], [1.0], 1)).ParamName);
        Assert.Equal("actual",
            Assert.Throws<ArgumentException>(() => PopulationStabilityIndex.FromProportions([0.5, 0.5], [0.5])).ParamName);
        Assert.Equal("actual",
            Assert.Throws<ArgumentException>(() => PopulationStabilityIndex.FromProportions([0.5, 0.5], [0.5, 0.4])).ParamName);
    }
}
