using System.Text.Json;
using Pipelines.Abstractions;
using Pipelines.Steps.Ingest.Binance;
using Pipelines.Steps.Ingest.BookRecording;
using Pipelines.Steps.Ticks;

namespace Pipelines.Steps.Ingest;

/// <summary>
/// Records Binance's live order book (depth diffs and the snapshots they start from), best bid and ask, and trades
/// into hourly Parquet segments, for a bounded time under <c>pipelines run</c> or until the service stops under
/// <c>pipelines serve</c>. A failure (e.g. a full disk) restarts the recorder after a backoff; a stop closes the open
/// segment, so nothing received is lost.
/// </summary>
[Step("ingest/binance-book", "Ingest", "Record the Binance order book",
    Cacheable = false, LongRunning = true,
    Description = "Record Binance's live <symbol>@depth@100ms diffs, the /api/v3/depth snapshots the local book is synchronised from, " +
        "<symbol>@bookTicker and <symbol>@aggTrade into hourly Parquet segments (<root>/<SYMBOL>/<yyyyMMddHH>/) with exchange and receive " +
        "times, update ids and a quality.json per segment (gaps, resyncs, out-of-order and malformed messages). Runs for `duration`, or " +
        "with `duration: forever` until pipelines serve stops; reconnects and restarts with jittered backoff. Read it back with ingest/book-snapshots.")]
public sealed class BinanceBookStep : Step<BinanceBookInputs, BinanceBookOutputs>
{
    public const string Forever = "forever";

    /// <summary>The clock of the duration and the backoffs; tests replace it.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    public override async Task<BinanceBookOutputs> ExecuteAsync(BinanceBookInputs inputs, IStepContext context, CancellationToken cancellationToken)
    {
        var duration = Duration(inputs.Duration, context.Settings.Served);
        var options = StreamOptions(inputs);
        var root = Path.GetFullPath(Path.Combine(context.WorkspaceRoot, inputs.Root));
        var totals = new BookSegmentQuality { Symbol = options.Symbol.ToUpperInvariant() };
        var segments = new List<(BookSegment Segment, BookSegmentQuality Quality)>();
        using var bounded = duration is { } d ? new CancellationTokenSource(d, Time) : new CancellationTokenSource();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, bounded.Token);
        using var http = MarketDataSource.CreateHttpClient();
        context.Log.Information("Recording {Symbol} into {Root} {For}", totals.Symbol, root, duration is null ? "until the service stops" : $"for {duration}");

        var restarts = await RestartingRunner.RunAsync(async token =>
        {
            var recorder = new BookRecorder(root, options.Symbol, context.Log);
            recorder.SegmentClosed += (segment, quality) => segments.Add((segment, quality));
            var stream = new BinanceBookStream(options, http, context.Log);
            var stopped = false;
            try
            {
                await stream.RunAsync(recorder, token).ConfigureAwait(false);
                stopped = true;
            }
            finally
            {
                // A normal stop writes the open segment; after a failure it is written if it still can be, else dropped whole.
                try
                {
                    recorder.Complete();
                }
                catch (Exception e) when (!stopped && e is IOException or UnauthorizedAccessException or DuckDB.NET.Data.DuckDBException)
                {
                    context.Log.Warning("The open segment could not be written after the failure: {Reason}", e.Message);
                }
                recorder.Dispose();
                Add(totals, recorder.Totals);
            }
        }, new JitteredBackoff(inputs.RetryDelay, inputs.MaxRetryDelay), Time, context.Log, $"Recording {totals.Symbol}", null, stop.Token).ConfigureAwait(false);

        cancellationToken.ThrowIfCancellationRequested();
        var report = WriteReport(context, totals, restarts, segments);
        context.Log.Information("Recorded {Events} events of {Symbol} into {Segments} segments: {Gaps} gaps, {Resyncs} resyncs, {Malformed} malformed, {Restarts} restarts",
            totals.Events, totals.Symbol, segments.Count, totals.Gaps, totals.Resyncs, totals.Malformed, restarts);
        return new BinanceBookOutputs
        {
            Segments = segments.Select(s => Path.GetRelativePath(context.WorkspaceRoot, s.Segment.Directory).Replace('\\', '/')).ToList(),
            Events = totals.Events,
            DepthEvents = totals.DepthEvents,
            Snapshots = totals.Snapshots,
            Gaps = totals.Gaps,
            Resyncs = totals.Resyncs,
            Malformed = totals.Malformed,
            Restarts = restarts,
            Quality = report,
        };
    }

    /// <summary>A bounded duration, or null for forever, which only the service may run.</summary>
    internal static TimeSpan? Duration(string text, bool served)
    {
        if (text == Forever)
        {
            if (!served)
                throw new StepInputException("duration", "forever runs only under pipelines serve, which stops it; under pipelines run give a bounded duration such as 10m or 24h");
            return null;
        }
        if (!RecordingDuration.TryParse(text, out var duration))
            throw new StepInputException("duration", $"'{text}' is not a positive duration such as 10m, 1h30m or 24h, nor '{Forever}'");
        return duration;
    }

    private static BookStreamOptions StreamOptions(BinanceBookInputs inputs)
    {
        if (string.IsNullOrEmpty(inputs.Symbol) || !inputs.Symbol.All(char.IsAsciiLetterOrDigit))
            throw new StepInputException("symbol", $"'{inputs.Symbol}' must be letters and digits only, e.g. BTCUSDT");
        if (!Uri.TryCreate(inputs.BaseUrl, UriKind.Absolute, out var stream) || stream.Scheme is not ("ws" or "wss"))
            throw new StepInputException("base_url", $"'{inputs.BaseUrl}' is not a ws:// or wss:// URL");
        if (!Uri.TryCreate(inputs.RestUrl, UriKind.Absolute, out var rest) || rest.Scheme is not ("http" or "https"))
            throw new StepInputException("rest_url", $"'{inputs.RestUrl}' is not an http(s) URL");
        if (inputs.SnapshotLimit is < 1 or > BinanceMarketDataClient.MaxDepthLimit)
            throw new StepInputException("snapshot_limit", $"must be 1 to {BinanceMarketDataClient.MaxDepthLimit}, got {inputs.SnapshotLimit}");
        if (inputs.RetryDelay <= TimeSpan.Zero) throw new StepInputException("retry_delay", "must be positive");
        if (inputs.MaxRetryDelay < inputs.RetryDelay)
            throw new StepInputException("max_retry_delay", $"must be at least retry_delay ({inputs.RetryDelay})");
        return new BookStreamOptions
        {
            Symbol = inputs.Symbol,
            BaseUri = stream,
            RestBaseUri = rest,
            SnapshotLimit = inputs.SnapshotLimit,
            Trades = inputs.Trades,
            BookTicker = inputs.BookTicker,
            InitialReconnectDelay = inputs.RetryDelay,
            MaxReconnectDelay = inputs.MaxRetryDelay,
        };
    }

    private static void Add(BookSegmentQuality totals, BookSegmentQuality part)
    {
        totals.DepthEvents += part.DepthEvents;
        totals.BookTickers += part.BookTickers;
        totals.Trades += part.Trades;
        totals.Gaps += part.Gaps;
        totals.Resyncs += part.Resyncs;
        totals.OutOfOrder += part.OutOfOrder;
        totals.Malformed += part.Malformed;
        totals.Snapshots += part.Snapshots;
    }

    private static Artifact WriteReport(IStepContext context, BookSegmentQuality totals, int restarts, List<(BookSegment Segment, BookSegmentQuality Quality)> segments)
    {
        var report = new Dictionary<string, object?>
        {
            ["symbol"] = totals.Symbol,
            ["restarts"] = restarts,
            ["totals"] = totals,
            ["segments"] = segments.Select(s => new Dictionary<string, object?>
            {
                ["path"] = Path.GetRelativePath(context.WorkspaceRoot, s.Segment.Directory).Replace('\\', '/'),
                ["quality"] = s.Quality,
            }).ToList(),
        };
        var staged = context.StageArtifact("report", "json");
        File.WriteAllBytes(staged.Path, JsonSerializer.SerializeToUtf8Bytes(report, BookSegmentQuality.Json));
        return context.CommitArtifact(staged);
    }
}
