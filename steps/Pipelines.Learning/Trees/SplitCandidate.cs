namespace Pipelines.Learning.Trees;

/// <summary>The best split found for a leaf: feature, threshold bin, where missing values go, and both sides' sums.</summary>
internal struct SplitCandidate
{
    public int Feature;
    public int ThresholdBin;
    public bool DefaultLeft;
    public double Gain;
    public double LeftGradient;
    public double LeftHessian;
    public int LeftCount;
    public double RightGradient;
    public double RightHessian;
    public int RightCount;

    public static SplitCandidate None => new() { Feature = -1, Gain = double.NegativeInfinity };

    public readonly bool IsValid => Feature >= 0;
}
