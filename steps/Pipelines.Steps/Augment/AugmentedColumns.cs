namespace Pipelines.Steps.Augment;

/// <summary>
/// The columns an augmentation step adds to every row, so that each synthetic row can be traced to the real rows it
/// came from and a train step can keep synthetic rows out of everything it scores on.
/// </summary>
public static class AugmentedColumns
{
    /// <summary>BOOLEAN: true for a row the step made, false for a row of the input.</summary>
    public const string Synthetic = "synthetic";

    /// <summary>BIGINT: the input row (0-based, in file order) a synthetic row was copied or interpolated from; a real row's own index.</summary>
    public const string SourceRow = "source_row";

    /// <summary>BIGINT: SMOTE's neighbour row a synthetic row lies towards; empty otherwise.</summary>
    public const string NeighbourRow = "neighbour_row";

    public static readonly IReadOnlyList<string> All = [Synthetic, SourceRow, NeighbourRow];
}
