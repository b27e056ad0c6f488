namespace Pipelines.Learning.Compilation;

/// <summary>
/// Adds the compiled trees' leaf values into <paramref name="scores"/> (one running sum per output), reading the row
/// at <paramref name="features"/>. Refs rather than spans: the emitted code reads each feature at a constant offset from
/// the first element without bounds checks, which is why its callers check the row length first.
/// </summary>
internal delegate void RawScoreFunction(ref double features, ref double scores);
