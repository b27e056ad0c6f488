namespace Pipelines.Learning.Trees;

/// <summary>
/// One feature on a TreeSHAP path (Lundberg et al. 2018, Algorithm 2): the fraction of training rows that pass its
/// splits (zero), whether the explained row passes them all (one), and the path weight of the subsets of its size.
/// </summary>
internal struct TreeShapPathElement
{
    public int Feature;
    public double Zero;
    public double One;
    public double Weight;

    public TreeShapPathElement(int feature, double zero, double one, double weight)
    {
        Feature = feature;
        Zero = zero;
        One = one;
        Weight = weight;
    }
}
