using System.Globalization;
using Pipelines.Abstractions;

namespace Pipelines.Steps.Train.Ensemble;

/// <summary>What decides a row's regime in a regime-switching ensemble, and which member scores each regime.</summary>
public sealed record EnsembleRegimeInput : ICheckedInputs
{
    [Input("A k-means model (train/mlnet trainer kmeans) whose cluster is the regime, e.g. ${{ steps.regimes.outputs.model }}.")]
    public Artifact? Model { get; init; }

    [Input("A registered k-means model instead, as name@version or name@alias.")]
    public string? Registered { get; init; }

    [Input("A numeric column whose value, rounded, is the regime (instead of a model); it becomes one of the ensemble's features.")]
    public string? Column { get; init; }

    [Input("Regime number → member name, e.g. { \"0\": calm, \"1\": volatile }.")]
    public IReadOnlyDictionary<string, string> Routes { get; init; } = new Dictionary<string, string>();

    [Input("The member that scores any regime without a route.")]
    public required string Default { get; init; }

    public IEnumerable<InputProblem> Problems()
    {
        var given = (Model is null ? 0 : 1) + (Registered is null ? 0 : 1) + (Column is null ? 0 : 1);
        if (given == 0) yield return new InputProblem("model", "give the regime model, registered (name@version) or column", "model", "registered", "column");
        if (given > 1) yield return new InputProblem("column", "give one of model, registered and column", "model", "registered");
        if (Registered is { } reference && RegisteredReference.Problem(reference) is { } problem) yield return new InputProblem("registered", problem);
        foreach (var key in Routes.Keys)
        {
            if (!int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                yield return new InputProblem("routes", $"regime '{key}' is not a regime number (0, 1, 2, ...)");
        }
    }
}
