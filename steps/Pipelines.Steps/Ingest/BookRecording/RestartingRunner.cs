using Pipelines.Steps.Ticks;
using Serilog;

namespace Pipelines.Steps.Ingest.BookRecording;

/// <summary>
/// Keeps a long-running task alive: runs an attempt until <c>stop</c> is cancelled, and when an attempt fails, logs it
/// and starts a new one after a jittered exponential backoff (reset once an attempt has run longer than the longest
/// backoff, so a failure a day does not wait as long as a failure a second). Retrying never stops before <c>stop</c>.
/// </summary>
public static class RestartingRunner
{
    /// <param name="attempt">Runs until the token is cancelled (then returns) or fails (throws).</param>
    /// <param name="restarted">Called with each failure before its backoff.</param>
    /// <returns>The number of restarts.</returns>
    public static async Task<int> RunAsync(Func<CancellationToken, Task> attempt, JitteredBackoff backoff, TimeProvider time, ILogger log,
        string what, Action<Exception>? restarted, CancellationToken stop)
    {
        var restarts = 0;
        while (!stop.IsCancellationRequested)
        {
            var started = time.GetTimestamp();
            try
            {
                await attempt(stop).ConfigureAwait(false);
                if (!stop.IsCancellationRequested)
                    throw new InvalidOperationException($"{what} ended on its own before it was stopped");
                return restarts;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return restarts;
            }
            catch (Exception e) when (!stop.IsCancellationRequested)
            {
                if (time.GetElapsedTime(started) > backoff.Max) backoff.Reset();
                var delay = backoff.Next();
                restarts++;
                restarted?.Invoke(e);
                log.Error(e, "{What} failed ({Reason}); restart {Restart} in {Delay}", what, e.Message, restarts, delay);
                try
                {
                    await Task.Delay(delay, time, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return restarts;
                }
            }
        }
        return restarts;
    }
}
