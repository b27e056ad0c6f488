namespace Pipelines.Testing;

/// <summary>
/// Counts the bytes the current thread allocates while it repeats the same work in several rounds, and gives the least
/// of the rounds. The runtime itself allocates on a thread now and then (installing re-optimised code after tiered
/// compilation or on-stack replacement, growing its own tables); that happens in one round, not in all of them. An
/// allocation per item of work shows in every round, so the least round still catches it.
/// </summary>
public static class AllocationCounter
{
    /// <summary>The rounds a measurement repeats unless told otherwise.</summary>
    public const int DefaultRounds = 3;

    /// <summary>The least bytes allocated by <paramref name="round"/>, called with 0, 1, ... <paramref name="rounds"/> - 1.</summary>
    public static long LeastPerRound(Action<int> round, int rounds = DefaultRounds)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rounds, 1);
        var least = long.MaxValue;
        for (var r = 0; r < rounds; r++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            round(r);
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return least;
    }
}
