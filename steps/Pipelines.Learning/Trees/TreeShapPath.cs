using System.Runtime.CompilerServices;

namespace Pipelines.Learning.Trees;

/// <summary>
/// The path-weight recurrences of TreeSHAP (Lundberg et al. 2018, Algorithm 2) over a path of
/// <see cref="TreeShapPathElement"/>s whose element 0 is the root placeholder; <c>depth</c> is the last index.
/// </summary>
internal static class TreeShapPath
{
    /// <summary>Appends a feature at index <paramref name="depth"/> and updates the subset-size weights.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Extend(Span<TreeShapPathElement> path, int depth, double zeroFraction, double oneFraction, int featureIndex)
    {
        path[depth] = new TreeShapPathElement(featureIndex, zeroFraction, oneFraction, depth == 0 ? 1.0 : 0.0);
        for (int i = depth - 1; i >= 0; i--)
        {
            path[i + 1].Weight += oneFraction * path[i].Weight * (i + 1) / (depth + 1);
            path[i].Weight = zeroFraction * path[i].Weight * (depth - i) / (depth + 1);
        }
    }

    /// <summary>Removes element <paramref name="index"/>, undoing its <see cref="Extend"/>; the path then ends at depth - 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Unwind(Span<TreeShapPathElement> path, int depth, int index)
    {
        double one = path[index].One;
        double zero = path[index].Zero;
        double next = path[depth].Weight;
        for (int i = depth - 1; i >= 0; i--)
        {
            if (one != 0)
            {
                double saved = path[i].Weight;
                path[i].Weight = next * (depth + 1) / ((i + 1) * one);
                next = saved - path[i].Weight * zero * (depth - i) / (depth + 1);
            }
            else
            {
                path[i].Weight = path[i].Weight * (depth + 1) / (zero * (depth - i));
            }
        }
        for (int i = index; i < depth; i++)
        {
            path[i].Feature = path[i + 1].Feature;
            path[i].Zero = path[i + 1].Zero;
            path[i].One = path[i + 1].One;
        }
    }

    /// <summary>Sum of the path weights with element <paramref name="index"/> unwound, without modifying the path.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double UnwoundSum(ReadOnlySpan<TreeShapPathElement> path, int depth, int index)
    {
        double one = path[index].One;
        double zero = path[index].Zero;
        double next = path[depth].Weight;
        double total = 0;
        for (int i = depth - 1; i >= 0; i--)
        {
            if (one != 0)
            {
                double t = next * (depth + 1) / ((i + 1) * one);
                total += t;
                next = path[i].Weight - t * zero * ((depth - i) / (double)(depth + 1));
            }
            else
            {
                total += path[i].Weight / zero / ((depth - i) / (double)(depth + 1));
            }
        }
        return total;
    }
}
