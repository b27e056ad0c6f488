using Pipelines.Abstractions;
using Pipelines.Steps.Ticks;

namespace Pipelines.Steps.Inference;

/// <summary>Tick sources by the name a pipeline gives in <c>source</c>; one case per source.</summary>
public static class TickSources
{
    public static IReadOnlyList<string> Known { get; } = ["synthetic"];

    /// <exception cref="StepInputException">The name is unknown or the options do not suit the source.</exception>
    public static ITickSource Create(string name, TickSourceOptions options) => name switch
    {
        "synthetic" => Synthetic(options),
        _ => throw new StepInputException("source", $"unknown tick source '{name}'; known sources: {string.Join(", ", Known)}"),
    };

    private static SyntheticTickSource Synthetic(TickSourceOptions options)
    {
        if (options.Files.Count != 1)
            throw new StepInputException("files", $"the synthetic source derives trades from one one-minute bar CSV; {options.Files.Count} file(s) given");
        if (options.TradesPerBar < 4) throw new StepInputException("trades_per_bar", $"must be at least 4, got {options.TradesPerBar}");
        try
        {
            return SyntheticTickSource.FromCsv(options.Files[0], options.TradesPerBar, options.Seed);
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException)
        {
            throw new StepInputException("files", e.Message);
        }
    }
}
