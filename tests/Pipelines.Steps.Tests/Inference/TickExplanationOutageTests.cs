using Pipelines.Abstractions;
using Pipelines.Steps.Inference;
using Pipelines.Steps.Ticks;
using Pipelines.Steps.Tests.Support;

namespace Pipelines.Steps.Tests.Inference;

/// <summary>
/// An explanation commit that waits (a PostgreSQL store reconnecting after a restart waits up to about 30 s) holds up
/// neither the decisions nor memory: the hot thread goes on deciding, and the sampled decisions the explanation ring has
/// no room for are skipped and counted, never queued without bound and never lost without a count.
/// </summary>
public sealed class TickExplanationOutageTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly StoreStepContext _context = new();

    public void Dispose() => _context.Dispose();

    [Fact]
    public async Task While_an_explanation_commit_waits_every_tick_is_decided_and_every_unexplained_sample_is_counted()
    {
        const int Ticks = 5_000, FirstTicks = 256;
        var version = _context.RegisterModel("flow", await TickModels.First);
        _context.Registry.Promote("flow", version.Version, "champion", "test");
        var model = new ChampionWatcher(_context.Registry, _context.OpenArtifact, "flow", "champion", _context.Log).LoadCurrent()!;
        using var commitWaiting = new ManualResetEventSlim();
        using var serverBack = new ManualResetEventSlim();
        using var decisions = _context.Decisions.OpenDecisions("flow", TickModels.FeatureNames);
        using var explanations = new WaitingExplanations(_context.Decisions.OpenExplanations("flow"), commitWaiting, serverBack);
        // The source hands out its first ticks, then the rest only once the explanation commit waits; at its end the wait is over.
        var source = new HeldTickSource(SyntheticTickSource.FromCsv(RepositoryFiles.SampleKlines, tradesPerBar: 16, seed: 3, maxTicks: Ticks),
            FirstTicks, commitWaiting, serverBack);
        // Every decision sampled; a ring of 1,024 decisions gives the explainer 64 slots.
        var options = new TickLoopOptions { ShapEvery = 1, QueueCapacity = 1024, CommitInterval = TimeSpan.FromMilliseconds(1) };

        var result = new TickInferenceLoop(source, TickModels.Features, model, decisions, explanations, _context.Drift, _context.Log, options).Run(default);

        Assert.Equal(Ticks, result.Decisions);
        Assert.Equal(Ticks, Count("SELECT count(DISTINCT trade_id) FROM decisions"));
        Assert.Equal(Ticks, result.Explanations + result.ExplanationsSkipped);
        // At most the first ticks and one ring's worth were explained; the rest, decided while the commit waited, were skipped.
        Assert.InRange(result.ExplanationsSkipped, Ticks - FirstTicks - 64, Ticks);
        Assert.Equal(result.Explanations, Count("SELECT count(DISTINCT trade_id) FROM decision_explanations"));
        Assert.Equal(result.Explanations * TickModels.FeatureNames.Length, Count("SELECT count(*) FROM decision_explanations"));
    }

    private long Count(string sql) => Convert.ToInt64(_context.Query(sql)[0][0]);

    /// <summary>The store's writer whose first commit waits, as one riding out a restart does, until the server is back.</summary>
    private sealed class WaitingExplanations(IExplanationWriter store, ManualResetEventSlim waiting, ManualResetEventSlim back) : IExplanationWriter
    {
        public void Append(long tradeId, int modelVersion, string feature, double shapValue, int rank) => store.Append(tradeId, modelVersion, feature, shapValue, rank);

        public void Commit()
        {
            waiting.Set();
            if (!back.Wait(Bound)) throw new TimeoutException("the source never ended");
            store.Commit();
        }

        public void Dispose() => store.Dispose();
    }

    private sealed class HeldTickSource(ITickSource ticks, int first, ManualResetEventSlim commitWaiting, ManualResetEventSlim ended) : ITickSource
    {
        private long _handedOut;

        public string Name => ticks.Name;

        public TickSourceCounters Counters => ticks.Counters;

        public async ValueTask<int> ReadAsync(Memory<Tick> buffer, CancellationToken cancellationToken)
        {
            if (_handedOut >= first && !commitWaiting.Wait(Bound)) throw new TimeoutException("the explainer never committed");
            var wanted = _handedOut < first ? (int)Math.Min(buffer.Length, first - _handedOut) : buffer.Length;
            var read = await ticks.ReadAsync(buffer[..wanted], cancellationToken);
            _handedOut += read;
            if (read == 0) ended.Set();
            return read;
        }

        public ValueTask DisposeAsync() => ticks.DisposeAsync();
    }
}
