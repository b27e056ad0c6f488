namespace Pipelines.Learning.Metrics;

/// <summary>Argument checks shared by the statistics in this library; every failure names the argument.</summary>
internal static class InputGuard
{
    public static void NotEmpty<T>(ReadOnlySpan<T> values, string name)
    {
        if (values.IsEmpty)
            throw new ArgumentException("must not be empty", name);
    }

    public static void SameLength<TA, TB>(ReadOnlySpan<TA> a, string nameA, ReadOnlySpan<TB> b, string nameB)
    {
        if (a.Length != b.Length)
            throw new ArgumentException($"length {b.Length} differs from {nameA} length {a.Length}", nameB);
    }

    public static void Finite(ReadOnlySpan<double> values, string name)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i]))
                throw new ArgumentException($"element {i} is {values[i]}; only finite values are accepted", name);
        }
    }

    public static void Probabilities(ReadOnlySpan<double> values, string name)
    {
        for (int i = 0; i < values.Length; i++)
        {
            double p = values[i];
            if (double.IsNaN(p) || p < 0.0 || p > 1.0)
                throw new ArgumentException($"element {i} is {p}; probabilities must lie in [0, 1]", name);
        }
    }

    public static void BinaryLabels(ReadOnlySpan<int> labels, string name)
    {
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] is not (0 or 1))
                throw new ArgumentException($"element {i} is {labels[i]}; binary labels must be 0 or 1", name);
        }
    }

    public static void ClassLabels(ReadOnlySpan<int> labels, int classCount, string name)
    {
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classCount)
                throw new ArgumentException(
                    $"element {i} is {labels[i]}; class labels must lie in [0, {classCount - 1}]", name);
        }
    }

    public static void Positive(int value, string name)
    {
        if (value <= 0)
            throw new ArgumentOutOfRangeException(name, value, "must be positive");
    }

    public static void Positive(double value, string name)
    {
        if (!(value > 0.0) || double.IsInfinity(value))
            throw new ArgumentOutOfRangeException(name, value, "must be a positive finite number");
    }
}
