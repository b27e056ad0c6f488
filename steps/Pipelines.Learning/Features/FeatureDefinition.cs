using System.Text.RegularExpressions;

namespace Pipelines.Learning.Features;

/// <summary>
/// One named feature: the output column <paramref name="Name"/>, computed by <paramref name="Kind"/> from
/// <paramref name="Inputs"/> (table columns, or earlier features for interactions) with a window or lag.
/// The same definition drives the batch SQL and the streaming evaluator.
/// </summary>
/// <param name="Window">N for rolling and recursive kinds, k for returns; 0 for kinds without one.</param>
public sealed partial record FeatureDefinition(string Name, FeatureKind Kind, IReadOnlyList<string> Inputs, int Window)
{
    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex Identifier();

    public FeatureKindInfo Info => FeatureKinds.Describe(Kind);

    /// <summary>Rows at the start that are NULL in SQL and NaN when streaming.</summary>
    public int WarmUpRows => Info.WarmUpRows(Window);

    /// <summary>Builds a definition, filling the kind's default inputs when none are given, and validates it.</summary>
    public static FeatureDefinition Create(string name, FeatureKind kind, IReadOnlyList<string>? inputs = null, int window = 0)
    {
        var info = FeatureKinds.Describe(kind);
        var definition = new FeatureDefinition(name, kind, inputs is { Count: > 0 } ? inputs.ToArray() : info.DefaultInputs.ToArray(), window);
        definition.Validate();
        return definition;
    }

    /// <summary>Throws <see cref="FeatureDefinitionException"/> naming the feature and the rule it breaks.</summary>
    public void Validate()
    {
        if (string.IsNullOrEmpty(Name) || !Identifier().IsMatch(Name))
            throw new FeatureDefinitionException($"feature name '{Name}' must be letters, digits and _ (not starting with a digit)");
        if (Name.StartsWith("__", StringComparison.Ordinal))
            throw new FeatureDefinitionException($"feature '{Name}': names starting with __ are reserved");
        var info = Info;
        if (info.LevelInputs) ValidateLevelInputs(info);
        else if (Inputs.Count != info.InputRoles.Count)
            throw new FeatureDefinitionException(
                $"feature '{Name}' ({info.Key}) takes {info.InputRoles.Count} input(s) ({string.Join(", ", info.InputRoles)}), got {Inputs.Count}");
        foreach (var input in Inputs)
            if (string.IsNullOrEmpty(input) || !Identifier().IsMatch(input))
                throw new FeatureDefinitionException($"feature '{Name}': input '{input}' is not a column or feature name");
        if (!info.TakesWindow && Window != 0)
            throw new FeatureDefinitionException($"feature '{Name}' ({info.Key}) takes no window, got {Window}");
        var minimum = Kind is FeatureKind.Std or FeatureKind.ZScore or FeatureKind.Trend ? 2 : 1;
        if (info.TakesWindow && Window < minimum)
            throw new FeatureDefinitionException(
                $"feature '{Name}' ({info.Key}) needs a window of at least {minimum}, got {Window}" +
                (minimum == 2 ? " (a sample statistic over one row is undefined)" : ""));
        if (info.TakesWindow && Window > 1_000_000)
            throw new FeatureDefinitionException($"feature '{Name}' ({info.Key}): window {Window} is larger than 1,000,000 rows");
    }

    /// <summary>
    /// Level kinds read one column per level (book_depth), a price and a quantity per level, or bid and ask first and
    /// then a price and a quantity per level (depth_within_bps); the count must fit that shape.
    /// </summary>
    private void ValidateLevelInputs(FeatureKindInfo info)
    {
        var (fixedInputs, perLevel) = Kind switch
        {
            FeatureKind.BookDepth => (0, 1),
            FeatureKind.DepthWithinBps => (2, 2),
            _ => (0, 2),
        };
        var levels = Inputs.Count - fixedInputs;
        if (levels < perLevel || levels % perLevel != 0)
            throw new FeatureDefinitionException(
                $"feature '{Name}' ({info.Key}) takes {string.Join(", ", info.InputRoles)}" +
                $" ({(fixedInputs > 0 ? fixedInputs + " inputs, then " : "")}{(perLevel == 2 ? "the same number of each, " : "")}at least one level), got {Inputs.Count} input(s)");
    }
}
