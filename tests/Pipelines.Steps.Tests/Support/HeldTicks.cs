using Pipelines.Steps.Ticks;
using Xunit;

namespace Pipelines.Steps.Tests.Support;

/// <summary>
/// Reads ticks a source already holds. Such a read completes at once, so it can be measured on this thread without an
/// await; a read that had to wait fails here instead of being measured half on another thread.
/// </summary>
public static class HeldTicks
{
    public static int Read(ITickSource source, Tick[] buffer)
    {
        var read = source.ReadAsync(buffer, CancellationToken.None);
        Assert.True(read.IsCompletedSuccessfully, "the source had to wait for ticks it should already hold");
        return read.Result;
    }
}
