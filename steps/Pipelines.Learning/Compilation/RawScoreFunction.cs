namespace Pipelines.Learning.Compilation;

/// <summary>
/// Adds the compiled trees' leaf values into <paramref name="scores"/> (one running sum per output), reading the row
/// at <paramref name="features"/>. Refs rather than spans because dynamic methods cannot take ref structs as easily.
/// </summary>
internal delegate void RawScoreFunction(ref double features, ref double scores);
