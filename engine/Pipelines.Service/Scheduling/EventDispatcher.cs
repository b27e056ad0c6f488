using Pipelines.Engine.Diagnostics;
using Pipelines.Engine.Events;
using Pipelines.Engine.Storage;
using Serilog;

namespace Pipelines.Service.Scheduling;

/// <summary>
/// Starts the pipelines whose <c>on.events</c> match events new to the store. It reads in publication order from
/// the cursor it keeps in the store, fires each match with the key pipeline + event id, and moves the cursor on
/// after the firings are recorded: a restart neither misses an event (the cursor was not moved) nor repeats a run
/// (the key already fired). A subscriber that has never read starts at the newest event, not at the store's past.
/// </summary>
public sealed class EventDispatcher : IAsyncDisposable
{
    public const string Subscriber = "dispatcher";
    private const int Batch = 200;

    private readonly PipelineStore _store;
    private readonly FiringLog _firings;
    private readonly WorkspacePipelines _pipelines;
    private readonly RunDispatcher _dispatcher;
    private readonly TimeProvider _clock;
    private readonly TimeSpan _pollInterval;
    private readonly ILogger _log;
    private readonly SemaphoreSlim _nudge = new(0, 1);
    private readonly object _passGate = new();
    private CancellationTokenSource? _stop;
    private Task _loop = Task.CompletedTask;

    public EventDispatcher(PipelineStore store, WorkspacePipelines pipelines, RunDispatcher dispatcher, TimeProvider clock, TimeSpan pollInterval, ILogger log)
    {
        _store = store;
        _firings = new FiringLog(store);
        _pipelines = pipelines;
        _dispatcher = dispatcher;
        _clock = clock;
        _pollInterval = pollInterval;
        _log = log;
    }

    /// <summary>Looks for new events now rather than at the next poll; called when this process publishes.</summary>
    public void Nudge()
    {
        try { _nudge.Release(); }
        catch (SemaphoreFullException) { }
    }

    /// <summary>
    /// Starts polling. A subscriber that never read is placed at the newest event here, before this returns, so an
    /// event published once the service has started is never taken for the past.
    /// </summary>
    public void Start()
    {
        InitialiseCursor();
        _stop = new CancellationTokenSource();
        var token = _stop.Token;
        _loop = Task.Run(async () =>
        {
            while (!token.IsCancellationRequested)
            {
                try { DispatchPending(); }
                catch (Exception e) when (e is not OperationCanceledException) { _log.Error(e, "Dispatching events failed; retrying at the next poll"); }
                try
                {
                    using var wake = CancellationTokenSource.CreateLinkedTokenSource(token);
                    var nudged = _nudge.WaitAsync(wake.Token);
                    await Task.WhenAny(nudged, Task.Delay(_pollInterval, _clock, wake.Token)).ConfigureAwait(false);
                    wake.Cancel();
                    try { await nudged.ConfigureAwait(false); } catch (OperationCanceledException) { }
                }
                catch (OperationCanceledException) { }
            }
        });
    }

    public async Task StopAsync()
    {
        _stop?.Cancel();
        await _loop.ConfigureAwait(false);
    }

    /// <summary>One pass: every event after the cursor, in order; returns how many firings it made.</summary>
    public int DispatchPending()
    {
        lock (_passGate)
        {
            long? cursor = InitialiseCursor();
            var fired = 0;
            while (true)
            {
                var events = _store.Events(new EventQuery(AfterSequence: cursor, Limit: Batch));
                if (events.Count == 0) return fired;
                var pipelines = _pipelines.All.Where(p => p.IsValid && p.Definition!.Triggers.Events.Count > 0).ToList();
                foreach (var stored in events)
                {
                    fired += Dispatch(stored, pipelines);
                    cursor = stored.Sequence;
                }
                _firings.SaveCursor(Subscriber, cursor.Value);
            }
        }
    }

    private long InitialiseCursor()
    {
        lock (_passGate)
        {
            if (_firings.Cursor(Subscriber) is { } cursor) return cursor;
            var newest = _store.LastEventSequence();
            _firings.SaveCursor(Subscriber, newest);
            return newest;
        }
    }

    private int Dispatch(PipelineEvent stored, IReadOnlyList<LoadedPipeline> pipelines)
    {
        using var payload = EventPayload.ParsePayload(stored.PayloadJson);
        var fired = 0;
        foreach (var pipeline in pipelines)
        {
            if (!pipeline.Definition!.Triggers.Events.Any(s => EventMatching.Matches(s, stored, payload))) continue;
            // A pipeline is never started by an event one of its own runs published: a retrain that checks drift and
            // subscribes to drift.detected would otherwise start itself again after every run that found drift.
            if (stored.Pipeline == pipeline.Name && stored.RunId is not null)
            {
                _log.Debug("Event {EventId} ({Type}) came from a run of {Pipeline} itself; it does not start {Pipeline} again", stored.Id, stored.Type, pipeline.Name);
                continue;
            }
            try
            {
                var outcome = _dispatcher.Fire(Firing.ForEvent(pipeline.Name, stored.Id, EventFields.Of(stored)));
                if (!outcome.IsDuplicate) fired++;
            }
            catch (Exception e) when (e is PipelineValidationException or UnknownPipelineException or IOException)
            {
                _log.Error("Event {EventId} ({Type}) matches pipeline {Pipeline}, which cannot start: {Error}", stored.Id, stored.Type, pipeline.Name, e.Message);
            }
        }
        return fired;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stop?.Dispose();
        _nudge.Dispose();
    }
}
