namespace Pipelines.Steps.Features;

/// <summary>
/// Where each of a model's features sits among the columns of a row-major block read from a table, so one row
/// can be handed to the model in the model's own feature order whatever order the table keeps.
/// </summary>
public sealed class ModelFeatureOrder
{
    private readonly int[] _columns;

    /// <param name="modelFeatures">The model's features, in the order it was trained with.</param>
    /// <param name="blockColumns">The columns of the block, in block order.</param>
    /// <exception cref="ArgumentException">A model feature is not among the block's columns (see <see cref="FirstMissing"/>).</exception>
    public ModelFeatureOrder(IReadOnlyList<string> modelFeatures, IReadOnlyList<string> blockColumns)
    {
        if (FirstMissing(modelFeatures, blockColumns) is { } missing)
            throw new ArgumentException($"the model's feature '{missing}' is not among the columns ({string.Join(", ", blockColumns)})", nameof(blockColumns));
        Width = blockColumns.Count;
        _columns = new int[modelFeatures.Count];
        for (var i = 0; i < _columns.Length; i++)
            _columns[i] = IndexOf(blockColumns, modelFeatures[i]);
    }

    /// <summary>Values per row in the block.</summary>
    public int Width { get; }

    /// <summary>Values per row the model reads.</summary>
    public int Count => _columns.Length;

    /// <summary>The first model feature the columns lack, or null when all are there.</summary>
    public static string? FirstMissing(IReadOnlyList<string> modelFeatures, IReadOnlyList<string> blockColumns)
    {
        foreach (var feature in modelFeatures)
            if (IndexOf(blockColumns, feature) < 0) return feature;
        return null;
    }

    /// <summary>Copies row <paramref name="row"/> of <paramref name="block"/> into <paramref name="destination"/> in model order.</summary>
    public void Gather(ReadOnlySpan<double> block, int row, Span<double> destination)
    {
        var start = (long)row * Width;
        for (var i = 0; i < _columns.Length; i++) destination[i] = block[(int)(start + _columns[i])];
    }

    private static int IndexOf(IReadOnlyList<string> columns, string name)
    {
        for (var c = 0; c < columns.Count; c++)
            if (string.Equals(columns[c], name, StringComparison.Ordinal)) return c;
        return -1;
    }
}
