using System.Diagnostics.Metrics;

namespace Pipelines.Steps.Inference;

/// <summary>
/// The running tick loops as .NET metrics (meter <see cref="MeterName"/>), for <c>/metrics</c> when a loop runs inside
/// <c>pipelines serve</c>. Both instruments are observable: they are read when someone scrapes, from the loop's own
/// <see cref="LatencyHistogram"/> and tick count, so the hot path records nothing more and allocates nothing.
/// <list type="bullet">
/// <item><c>latency</c> (seconds): per-tick latency at the 50th, 99th and 99.9th percentile since the loop started,
/// tagged <c>loop</c>, <c>model</c> and <c>percentile</c>.</item>
/// <item><c>ticks</c>: ticks the loop has read, tagged <c>loop</c> and <c>model</c>.</item>
/// </list>
/// A scrape reads the histogram while the hot thread writes it: a percentile may lag by the ticks in flight, never more.
/// </summary>
public static class TickMetrics
{
    public const string MeterName = "Pipelines.Ticks";
    public const string LatencyInstrument = "latency";
    public const string TicksInstrument = "ticks";

    private static readonly double[] Percentiles = [50, 99, 99.9];
    private static readonly string[] PercentileLabels = ["50", "99", "99.9"];
    private static readonly Meter Meter = new(MeterName);
    private static readonly Lock Gate = new();
    private static readonly List<Tracked> Loops = [];
    private static long _nextLoop;

    static TickMetrics()
    {
        Meter.CreateObservableGauge(LatencyInstrument, ObserveLatency, "s", "Per-tick latency of each running tick loop, at a percentile.");
        Meter.CreateObservableCounter(TicksInstrument, ObserveTicks, "{tick}", "Ticks read by each running tick loop.");
    }

    /// <summary>Reports a loop until the returned handle is disposed.</summary>
    public static IDisposable Track(string source, string model, LatencyHistogram latency, Func<long> ticks)
    {
        var tracked = new Tracked($"{source}#{Interlocked.Increment(ref _nextLoop)}", model, latency, ticks);
        lock (Gate) Loops.Add(tracked);
        return tracked;
    }

    private static Tracked[] Snapshot()
    {
        lock (Gate) return [.. Loops];
    }

    private static IEnumerable<Measurement<double>> ObserveLatency()
    {
        foreach (var loop in Snapshot())
        {
            if (loop.Latency.Count == 0) continue;
            for (var i = 0; i < Percentiles.Length; i++)
                yield return new Measurement<double>(loop.Latency.Percentile(Percentiles[i]) / 1e9,
                    new KeyValuePair<string, object?>("loop", loop.Name), new KeyValuePair<string, object?>("model", loop.Model),
                    new KeyValuePair<string, object?>("percentile", PercentileLabels[i]));
        }
    }

    private static IEnumerable<Measurement<long>> ObserveTicks() =>
        Snapshot().Select(loop => new Measurement<long>(loop.Ticks(),
            new KeyValuePair<string, object?>("loop", loop.Name), new KeyValuePair<string, object?>("model", loop.Model)));

    private sealed class Tracked(string name, string model, LatencyHistogram latency, Func<long> ticks) : IDisposable
    {
        public string Name { get; } = name;
        public string Model { get; } = model;
        public LatencyHistogram Latency { get; } = latency;
        public Func<long> Ticks { get; } = ticks;

        public void Dispose()
        {
            lock (Gate) Loops.Remove(this);
        }
    }
}
