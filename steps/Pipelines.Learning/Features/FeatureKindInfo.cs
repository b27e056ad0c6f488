namespace Pipelines.Learning.Features;

/// <summary>The fixed rules of one <see cref="FeatureKind"/>.</summary>
/// <param name="Kind">The kind described.</param>
/// <param name="Key">Its name in YAML and JSON (snake_case).</param>
/// <param name="InputRoles">What each input means, in order (e.g. high, low, close).</param>
/// <param name="DefaultInputs">Columns used when a definition names none.</param>
/// <param name="TakesWindow">Whether the kind has a window (N) or lag (k).</param>
/// <param name="IsRecursive">
/// Whether each value depends on all earlier ones (EMA, RSI, ATR). SQL window frames cannot express such a
/// recursion, so batch featurization computes these kinds with the streaming kernels.
/// </param>
/// <param name="OperandsMayBeFeatures">Whether inputs may name earlier features rather than only table columns.</param>
/// <param name="LevelInputs">
/// Whether the kind reads a variable number of book level columns (one per level, or one price and one quantity per
/// level): <paramref name="InputRoles"/> then describes the groups, and the compact names spell the columns out.
/// </param>
public sealed record FeatureKindInfo(
    FeatureKind Kind,
    string Key,
    IReadOnlyList<string> InputRoles,
    IReadOnlyList<string> DefaultInputs,
    bool TakesWindow,
    bool IsRecursive,
    bool OperandsMayBeFeatures,
    bool LevelInputs = false)
{
    /// <summary>
    /// Rows at the start whose value is undefined (NULL in SQL, NaN when streaming) for a given window.
    /// </summary>
    public int WarmUpRows(int window) => Kind switch
    {
        FeatureKind.Return or FeatureKind.LogReturn or FeatureKind.RateOfChange => window,
        FeatureKind.Rsi => window,
        FeatureKind.Ema => 0,
        // Its "window" is a distance in bps, not rows: the value needs the current row only.
        FeatureKind.DepthWithinBps => 0,
        _ when TakesWindow => window - 1,
        _ => 0,
    };
}
