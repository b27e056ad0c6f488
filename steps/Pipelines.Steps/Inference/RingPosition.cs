using System.Runtime.InteropServices;

namespace Pipelines.Steps.Inference;

/// <summary>
/// A ring's read or write position on a cache line of its own, so the producer and the consumer do not slow each
/// other down by writing to the same line.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 128)]
internal struct RingPosition
{
    [FieldOffset(64)] public long Value;
}
