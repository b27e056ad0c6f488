using Microsoft.Extensions.Logging;
using Pipelines.Engine.Events;
using Pipelines.Engine.Settings;
using Pipelines.Engine.Storage;
using Polly;
using Polly.Timeout;

namespace Pipelines.Service.Notifications;

/// <summary>
/// Delivers events to the sinks of ml.yaml's <c>notify:</c>. One loop reads new events and records a pending delivery
/// per (event, sink) in the same transaction that moves its cursor, so nothing is sent twice or dropped across a
/// restart; each sink then has a loop of its own that attempts its due deliveries in order, each attempt bounded by
/// <see cref="NotificationOptions.RequestTimeout"/>, a failure rescheduled by <see cref="RetrySchedule"/> until
/// <see cref="NotificationOptions.MaxAttempts"/> mark it failed. A sink that is down, slow or failing delays only its
/// own deliveries, and never a run: runs only write events, and the store is held only for short bookkeeping calls,
/// never across a network wait.
/// </summary>
/// <remarks>
/// Delivery is at least once: a process that dies after an endpoint accepted an event but before the delivery was
/// recorded sends it again on restart. Receivers deduplicate by the CloudEvent's <c>id</c>.
/// </remarks>
public sealed class NotificationDispatcher : IAsyncDisposable
{
    /// <summary>The cursor's name in <c>subscription_cursors</c>.</summary>
    public const string Subscriber = "notifications";

    private readonly StoreAccess _store;
    private readonly IReadOnlyList<INotificationSink> _sinks;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly NotificationOptions _options;
    private readonly RetrySchedule _retries;
    private readonly ResiliencePipeline _timeout;
    private readonly Dictionary<string, SemaphoreSlim> _wake;
    private readonly Random _jitter = Random.Shared; // sinks draw from it concurrently
    private CancellationTokenSource? _stopping;
    private Task? _running;

    public NotificationDispatcher(StoreAccess store, IReadOnlyList<NotifySink> settings, HttpClient http, TimeProvider time, ILogger log,
        NotificationOptions? options = null)
        : this(store, NotificationSinks.From(settings, http), time, log, options)
    {
    }

    public NotificationDispatcher(StoreAccess store, IReadOnlyList<INotificationSink> sinks, TimeProvider time, ILogger log, NotificationOptions? options = null)
    {
        _store = store;
        _sinks = sinks;
        _time = time;
        _log = log;
        _options = options ?? new NotificationOptions();
        _retries = _options.Retries;
        _timeout = new ResiliencePipelineBuilder { TimeProvider = time }.AddTimeout(_options.RequestTimeout).Build();
        _wake = sinks.ToDictionary(s => s.Name, _ => new SemaphoreSlim(0), StringComparer.Ordinal);
    }

    public IReadOnlyList<INotificationSink> Sinks => _sinks;

    private DateTime Now => _time.GetUtcNow().UtcDateTime;

    /// <summary>
    /// Starts the loops in the background and returns. Before that, deliveries still pending for a sink that ml.yaml
    /// no longer lists are marked failed, saying so, and the new events are read: on a store that never had a notifier,
    /// notifications start with the events published after this call.
    /// </summary>
    public Task StartAsync(CancellationToken cancellation)
    {
        if (_running is not null) throw new InvalidOperationException("the notification dispatcher is already running");
        FailAbandoned();
        Intake();
        _stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var token = _stopping.Token;
        _running = Task.WhenAll([Task.Run(() => IntakeLoopAsync(token)), .. _sinks.Select(sink => Task.Run(() => SinkLoopAsync(sink, token)))]);
        return Task.CompletedTask;
    }

    /// <summary>Stops the loops; an attempt in flight is abandoned unrecorded and made again after the next start.</summary>
    public async Task StopAsync()
    {
        if (_stopping is null || _running is null) return;
        await _stopping.CancelAsync();
        try
        {
            await _running;
        }
        catch (OperationCanceledException)
        {
        }
        _stopping.Dispose();
        _stopping = null;
        _running = null;
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    /// <summary>
    /// One round, as the loops make them: reads every new event into deliveries, then lets each sink attempt its due
    /// deliveries, the sinks side by side. Tests drive the notifier with this and a controlled clock.
    /// </summary>
    public async Task RunOnceAsync(CancellationToken cancellation = default)
    {
        while (Intake().Count == _options.BatchSize) { }
        await Task.WhenAll(_sinks.Select(sink => DeliverDueAsync(sink, cancellation)));
    }

    private void FailAbandoned()
    {
        var failed = _store.Use(store => new NotificationDeliveries(store)
            .FailAbandoned(_sinks.Select(s => s.Name).ToHashSet(StringComparer.Ordinal), "the sink is no longer in ml.yaml's notify:"), 0);
        if (failed > 0) _log.LogWarning("{Count} pending notification(s) to sinks no longer in ml.yaml were marked failed", failed);
    }

    /// <summary>Reads one batch of new events into pending deliveries and wakes the sinks that got some.</summary>
    private IReadOnlyList<PipelineEvent> Intake()
    {
        var now = Now;
        var events = _store.Use(store => new NotificationDeliveries(store).Enqueue(Subscriber, SinksFor, now, _options.BatchSize), []);
        foreach (var sink in _sinks.Where(sink => events.Any(e => sink.Receives(e.Type))))
            if (_wake[sink.Name].CurrentCount == 0) _wake[sink.Name].Release();
        return events;
    }

    private IEnumerable<string> SinksFor(PipelineEvent stored) => _sinks.Where(s => s.Receives(stored.Type)).Select(s => s.Name);

    /// <summary>Attempts the sink's due deliveries, oldest event first, recording each outcome as it comes.</summary>
    private async Task DeliverDueAsync(INotificationSink sink, CancellationToken cancellation)
    {
        var due = _store.Use(store => new NotificationDeliveries(store).Due(sink.Name, Now, _options.BatchSize), []);
        foreach (var (delivery, stored) in due)
        {
            cancellation.ThrowIfCancellationRequested();
            var error = await AttemptAsync(sink, stored, cancellation);
            if (error is null)
            {
                _store.Use(store => { new NotificationDeliveries(store).MarkDelivered(stored.Sequence, sink.Name, Now); return 0; }, 0);
                _log.LogDebug("Delivered {EventType} {EventId} to {Sink}", stored.Type, stored.Id, sink.Name);
                continue;
            }
            var attempts = delivery.Attempts + 1;
            DateTime? retryAt = attempts >= _options.MaxAttempts ? null : Now + _retries.DelayAfter(attempts, _jitter);
            _store.Use(store => { new NotificationDeliveries(store).MarkAttemptFailed(stored.Sequence, sink.Name, error, retryAt); return 0; }, 0);
            if (retryAt is { } at)
                _log.LogWarning("Notification {EventType} {EventId} to {Sink} failed (attempt {Attempt} of {MaxAttempts}), retrying at {RetryAt:o}: {Error}",
                    stored.Type, stored.Id, sink.Name, attempts, _options.MaxAttempts, at, error);
            else
                _log.LogError("Notification {EventType} {EventId} to {Sink} failed after {Attempts} attempts: {Error}",
                    stored.Type, stored.Id, sink.Name, attempts, error);
        }
    }

    /// <summary>One attempt within the timeout: null when delivered, otherwise why not. Cancellation by a stop propagates.</summary>
    private async Task<string?> AttemptAsync(INotificationSink sink, PipelineEvent stored, CancellationToken cancellation)
    {
        try
        {
            await _timeout.ExecuteAsync(async token => await sink.SendAsync(stored, token), cancellation);
            return null;
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            throw;
        }
        catch (TimeoutRejectedException)
        {
            return $"no answer within {_options.RequestTimeout.TotalSeconds:0.###}s";
        }
        catch (Exception e)
        {
            return Shorten(Describe(e), 500);
        }
    }

    private static string Describe(Exception e) => e switch
    {
        NotificationException => e.Message,
        HttpRequestException { InnerException: { } inner } when !e.Message.Contains(inner.Message, StringComparison.Ordinal) => $"{e.Message} ({inner.Message})",
        _ => e.Message,
    };

    private static string Shorten(string text, int length) => text.Length <= length ? text : text[..length] + "…";

    private async Task IntakeLoopAsync(CancellationToken cancellation)
    {
        while (!cancellation.IsCancellationRequested)
        {
            try
            {
                while (Intake().Count == _options.BatchSize) cancellation.ThrowIfCancellationRequested();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _log.LogError(e, "Reading new events for notifications failed; trying again");
            }
            await Task.Delay(_options.PollInterval, _time, cancellation);
        }
    }

    private async Task SinkLoopAsync(INotificationSink sink, CancellationToken cancellation)
    {
        while (!cancellation.IsCancellationRequested)
        {
            try
            {
                await DeliverDueAsync(sink, cancellation);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _log.LogError(e, "Delivering notifications to {Sink} failed; trying again", sink.Name);
            }
            await RestAsync(_wake[sink.Name], cancellation);
        }
    }

    /// <summary>Waits for the next poll, or less when the intake brought the sink something new.</summary>
    private async Task RestAsync(SemaphoreSlim wake, CancellationToken cancellation)
    {
        using var rest = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var woken = wake.WaitAsync(rest.Token);
        var elapsed = Task.Delay(_options.PollInterval, _time, rest.Token);
        await Task.WhenAny(woken, elapsed);
        await rest.CancelAsync();
        try
        {
            await Task.WhenAll(woken, elapsed);
        }
        catch (OperationCanceledException)
        {
        }
        cancellation.ThrowIfCancellationRequested();
    }
}
