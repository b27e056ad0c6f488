using Pipelines.Abstractions;
using Pipelines.Learning.Features;
using Pipelines.Steps.Book;

namespace Pipelines.Steps.Inference;

/// <summary>
/// Runs the registered model on a tick stream: per trade, streaming features, the compiled model's score, ADWIN
/// drift monitors and a stored decision; sampled or flagged decisions are explained off the hot thread, and a new
/// version behind the alias is swapped in between two ticks.
/// </summary>
[Step("inference/tick", "Inference", "Tick inference", Cacheable = false,
    Description = "Score every tick of a stream with the registered model (compiled), with streaming features, ADWIN drift monitors per feature, every decision stored in the decisions table, TreeSHAP top 10 for sampled or flagged decisions, and champion swaps picked up between ticks.")]
public sealed class TickInferenceStep : Step<TickInferenceInputs, TickInferenceOutputs>
{
    public override async Task<TickInferenceOutputs> ExecuteAsync(TickInferenceInputs inputs, IStepContext context, CancellationToken cancellationToken)
    {
        var options = LoopOptions(inputs);
        var bookData = LoadBook(inputs, context);
        var features = Definitions(inputs, bookData is not null);
        var watcher = new ChampionWatcher(context.Registry, context.OpenArtifact, inputs.Model, inputs.Alias, context.Log, context.FindArtifact);
        var model = watcher.LoadCurrent() ?? throw new StepInputException("model", $"model '{inputs.Model}' has no version '{inputs.Alias}'");
        if (bookData is null && BookFeatureNeeds.FeaturesReadingTheBook(features) is { Count: > 0 } bookFeatures)
            throw new StepInputException("book", BookFeatureNeeds.NoBookMessage($"model '{inputs.Model}' v{model.Version}", bookFeatures));
        if (!model.FeatureNames.SequenceEqual(features.Names, StringComparer.Ordinal))
            throw new StepInputException("features",
                $"model '{inputs.Model}' v{model.Version} reads [{string.Join(", ", model.FeatureNames)}] but features gives [{string.Join(", ", features.Names)}]; they must match in order");
        if (model.OutputCount != 1)
            throw new StepInputException("model", $"model '{inputs.Model}' v{model.Version} has {model.OutputCount} outputs per row; tick inference scores binary and regression models");

        var sourceOptions = new TickSourceOptions
        {
            Files = inputs.Files.Select(f => f.FullPath).ToArray(), Symbol = inputs.Symbol, BaseUrl = inputs.BaseUrl, RestUrl = inputs.RestUrl, Pacing = inputs.Pacing,
            TradesPerBar = inputs.TradesPerBar, Seed = (ulong)inputs.Seed, Book = bookData,
        };
        await using var source = TickSources.Create(inputs.Source, sourceOptions, context.Log);
        using var decisions = context.Decisions.OpenDecisions(inputs.Model, features.Names);
        using var explanations = context.Decisions.OpenExplanations(inputs.Model);
        var book = bookData is null ? null : new BookReplay(bookData);
        var loop = new TickInferenceLoop(source, features, model, decisions, explanations, context.Drift, context.Log, options, book);
        if (book is not null) context.Log.Information("Keeping a local order book from {Book} beside the trades", book.Name);

        context.Log.Information("Scoring ticks from {Source} with {Model} v{Version} on {Count} features", source.Name, inputs.Model, model.Version, features.Names.Count);
        using var watch = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var watching = watcher.WatchAsync(loop, inputs.SwapPoll, watch.Token);
        TickLoopResult result;
        try
        {
            result = await Task.Factory.StartNew(() => loop.Run(cancellationToken), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)
                .ConfigureAwait(false);
        }
        finally
        {
            await watch.CancelAsync().ConfigureAwait(false);
            await watching.ConfigureAwait(false);
        }

        context.Log.Information(
            "{Decisions} decisions over {Ticks} ticks ({Rejected} skipped) at {Rate:N0} ticks/s, p50 {P50} ns, p99 {P99} ns; {Swaps} swap(s), {Drift} drift event(s), {Explained} explained, {Stalls} queue stall(s)",
            result.Decisions, result.Ticks, result.RejectedTotal, result.TicksPerSecond, result.LatencyP50Ns, result.LatencyP99Ns, watcher.Swaps,
            result.DriftEvents, result.Explanations, result.QueueStalls);
        var counters = source.Counters;
        if (counters.Gaps > 0 || counters.Reconnects > 0 || counters.MalformedMessages > 0)
            context.Log.Warning("The source reported {Gaps} gap(s) ({Missing} trades missing), {Reconnects} reconnect(s), {Malformed} malformed message(s)",
                counters.Gaps, counters.MissingTrades, counters.Reconnects, counters.MalformedMessages);
        // Everything decided is stored by now; a cancelled run still ends as cancelled.
        cancellationToken.ThrowIfCancellationRequested();

        return new TickInferenceOutputs
        {
            Ticks = result.Ticks,
            Decisions = result.Decisions,
            Rejected = Enum.GetValues<TickRejection>().ToDictionary(TickRejectionNames.Of, r => result.Rejected[(int)r]),
            ModelSwaps = watcher.Swaps,
            SourceEvents = new Dictionary<string, long>
            {
                ["reconnects"] = counters.Reconnects, ["gaps"] = counters.Gaps, ["missing_trades"] = counters.MissingTrades,
                ["backfilled_trades"] = counters.BackfilledTrades, ["malformed"] = counters.MalformedMessages,
            },
            ModelVersions = result.VersionsUsed,
            ModelsRefused = watcher.FeatureMismatches + watcher.LoadFailures,
            DriftEvents = result.DriftEvents,
            Explanations = result.Explanations,
            ExplanationsSkipped = result.ExplanationsSkipped,
            QueueStalls = result.QueueStalls,
            LatencyP50Us = result.LatencyP50Ns / 1000.0,
            LatencyP99Us = result.LatencyP99Ns / 1000.0,
            TicksPerSecond = Math.Round(result.TicksPerSecond),
            BookEvents = result.BookEvents,
            EventsPerSecond = Math.Round(result.EventsPerSecond),
        };
    }

    private static TickLoopOptions LoopOptions(TickInferenceInputs inputs)
    {
        if (inputs.MaxTicks is null && inputs.Duration is null && inputs.Source is not ("replay" or "segments"))
            throw new StepInputException("max_ticks", "give max_ticks, duration or both, so the loop ends (a replay also ends with its files)");
        if (inputs.MaxTicks is < 0) throw new StepInputException("max_ticks", $"must not be negative, got {inputs.MaxTicks}");
        if (inputs.Duration is { } duration && duration <= TimeSpan.Zero) throw new StepInputException("duration", "must be positive");
        if (inputs.ShapEvery < 0) throw new StepInputException("shap_every", $"must not be negative, got {inputs.ShapEvery}");
        if (inputs.QueueCapacity < 2 || (inputs.QueueCapacity & (inputs.QueueCapacity - 1)) != 0)
            throw new StepInputException("queue_capacity", $"must be a power of two of at least 2, got {inputs.QueueCapacity}");
        if (!(inputs.AdwinDelta is > 0 and < 1)) throw new StepInputException("adwin_delta", $"must lie in (0, 1), got {inputs.AdwinDelta}");
        if (inputs.DriftCooldownTicks < 0) throw new StepInputException("drift_cooldown_ticks", $"must not be negative, got {inputs.DriftCooldownTicks}");
        if (inputs.SwapPoll <= TimeSpan.Zero) throw new StepInputException("swap_poll", "must be positive");
        return new TickLoopOptions
        {
            MaxTicks = inputs.MaxTicks, Duration = inputs.Duration, ShapEvery = inputs.ShapEvery, ShapFlagThreshold = inputs.ShapFlagThreshold,
            QueueCapacity = inputs.QueueCapacity, AdwinDelta = inputs.AdwinDelta,
            DriftCooldownTicks = inputs.DriftCooldownTicks,
        };
    }

    private static BookReplayData? LoadBook(TickInferenceInputs inputs, IStepContext context)
    {
        if (inputs.Book is null)
        {
            if (inputs.Source == "segments") throw new StepInputException("book", "the segments source replays the trades of order-book segments; give book: (their directory)");
            return null;
        }
        if (inputs.Source == "websocket")
            throw new StepInputException("book", "a recorded book cannot stand beside live trades; replay both (source: segments) or record the live book with ingest/binance-book");
        var root = WorkspaceDirectory.Resolve(context, "book", inputs.Book);
        try
        {
            return BookReplayData.Load(root, inputs.Symbol ?? "BTCUSDT");
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            throw new StepInputException("book", e.Message);
        }
    }

    private static FeatureSet Definitions(TickInferenceInputs inputs, bool withBook)
    {
        if (inputs.Features.Count == 0 && inputs.Define.Count == 0)
            throw new StepInputException("features", "name at least one feature (in features or define)");
        var definitions = new List<FeatureDefinition>();
        try
        {
            foreach (var name in inputs.Features) definitions.AddRange(FeatureNames.Parse(name));
        }
        catch (FeatureDefinitionException e)
        {
            throw new StepInputException("features", e.Message);
        }
        try
        {
            foreach (var spec in inputs.Define) definitions.Add(spec.ToDefinition());
        }
        catch (FeatureDefinitionException e)
        {
            throw new StepInputException("define", e.Message);
        }
        try
        {
            var features = new FeatureSet(FeatureSet.Merge(definitions), "time");
            if (!withBook && BookFeatureNeeds.FeaturesReadingTheBook(features).Count > 0) return features;
            features.CheckColumns(withBook ? [.. TickColumns.Names, .. BookColumns.Names] : TickColumns.Names.ToArray());
            return features;
        }
        catch (FeatureDefinitionException e)
        {
            throw new StepInputException("features", e.Message);
        }
    }
}
