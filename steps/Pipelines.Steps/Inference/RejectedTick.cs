using Pipelines.Steps.Ticks;

namespace Pipelines.Steps.Inference;

/// <summary>A tick the loop skipped and why, on its way to the (rate-limited) log.</summary>
internal readonly record struct RejectedTick(Tick Tick, TickRejection Reason);
