using Pipelines.Abstractions;
using Pipelines.Steps.Ingest.BookRecording;
using Pipelines.Steps.Ticks;

namespace Pipelines.Steps.Book;

/// <summary>Writes <see cref="SyntheticBookGenerator"/>'s segments into the workspace, replacing the symbol's earlier ones.</summary>
[Step("ingest/synthetic-book", "Ingest", "Synthetic order book", Cacheable = false,
    Description = "Generate a seeded Level-2 order book, trades and book ticker from one-minute bars and write them as hourly order-book segments (depth diffs with contiguous update ids, a snapshot per segment, trades, book_ticker, quality.json), the format ingest/binance-book records; docs/order-book.md says how depth, spread and queue changes are drawn.")]
public sealed class SyntheticBookStep : Step<SyntheticBookInputs, SyntheticBookOutputs>
{
    public override Task<SyntheticBookOutputs> ExecuteAsync(SyntheticBookInputs inputs, IStepContext context, CancellationToken cancellationToken)
    {
        var root = WorkspaceDirectory.Resolve(context, "out", inputs.Out);
        var options = new SyntheticBookOptions
        {
            Symbol = inputs.Symbol, Seed = (ulong)inputs.Seed, MaxBars = inputs.MaxBars, EventsPerBar = inputs.EventsPerBar, TradesPerBar = inputs.TradesPerBar,
            LevelsPerSide = inputs.Levels, LevelSpacingBps = inputs.LevelSpacingBps, Lean = inputs.Lean,
        };
        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            throw new StepInputException(Field(e.ParamName), e.Message);
        }
        MinuteBar[] bars;
        try
        {
            bars = MinuteBarCsv.Read(inputs.Bars.FullPath);
        }
        catch (InvalidDataException e)
        {
            throw new StepInputException("bars", e.Message);
        }
        var generator = new SyntheticBookGenerator(bars, options);
        var segments = BookSegment.List(root, inputs.Symbol);
        // Only generated segments are replaced: a recorded book cannot be generated again.
        if (segments.FirstOrDefault(segment => !IsSynthetic(segment)) is { } recorded)
            throw new StepInputException("out", $"{recorded.Directory} is not a synthetic segment (its quality.json does not say source: synthetic); write the synthetic book to another directory");
        foreach (var segment in segments) Directory.Delete(segment.Directory, recursive: true);
        var summary = generator.Write(root, cancellationToken);
        context.Log.Information("Wrote {Segments} segment(s) of {Symbol} under {Directory}: {Events} depth events ({Levels} changed levels), {Trades} trades",
            summary.Segments, inputs.Symbol, summary.SymbolDirectory, summary.DepthEvents, summary.ChangedLevels, summary.Trades);
        return Task.FromResult(new SyntheticBookOutputs
        {
            Path = inputs.Out, Segments = summary.Segments, DepthEvents = summary.DepthEvents, ChangedLevels = summary.ChangedLevels, Trades = summary.Trades,
        });
    }

    private static bool IsSynthetic(BookSegment segment)
    {
        var quality = segment.FilePath(BookSegmentFormat.Quality);
        if (!File.Exists(quality)) return false;
        try
        {
            return BookSegmentQuality.Read(quality).Source == SyntheticBookGenerator.Source;
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidDataException)
        {
            return false;
        }
    }

    private static string Field(string? parameter) => parameter switch
    {
        nameof(SyntheticBookOptions.EventsPerBar) => "events_per_bar",
        nameof(SyntheticBookOptions.TradesPerBar) => "trades_per_bar",
        nameof(SyntheticBookOptions.LevelsPerSide) => "levels",
        nameof(SyntheticBookOptions.LevelSpacingBps) => "level_spacing_bps",
        nameof(SyntheticBookOptions.Lean) => "lean",
        nameof(SyntheticBookOptions.MaxBars) => "max_bars",
        _ => "symbol",
    };
}
