namespace Pipelines.Learning.Validation;

internal static class IndexRange
{
    /// <summary>The indices start, start + 1, ..., end - 1.</summary>
    public static int[] Of(int start, int end)
    {
        var indices = new int[end - start];
        for (int i = 0; i < indices.Length; i++)
            indices[i] = start + i;
        return indices;
    }
}
