using Pipelines.Service.Api.Models;

namespace Pipelines.Cli.Output;

/// <summary>
/// A version's ancestry through continued training, newest first: "v3 ← v2 ← v1", naming the model where a parent
/// belongs to another ("v2 ← base v4"). The chain stops at a version trained from scratch, at one the registry no
/// longer holds (pruned, marked so), where the parent cannot be looked up here, and at a repeat (which a registry cannot
/// hold, but a chain must never loop on).
/// </summary>
internal static class LineageChain
{
    /// <summary>What is known of a version in the chain: whether the registry holds it, and its own parent.</summary>
    public readonly record struct Ancestor(bool Registered, string? ParentModel, int? ParentVersion);

    /// <param name="lookup">A version by model and number; null when it cannot be looked up from here.</param>
    public static string Describe(ModelVersionResponse version, Func<string, int, Ancestor?> lookup)
    {
        var links = new List<string> { $"v{version.Version}" };
        var seen = new HashSet<(string, int)> { (version.Name, version.Version) };
        var (model, number) = (version.ParentModel, version.ParentVersion);
        while (model is not null && number is { } parent && seen.Add((model, parent)))
        {
            var known = lookup(model, parent);
            var link = (model == version.Name ? "" : model + " ") + $"v{parent}";
            if (known is { Registered: false }) link += " (no longer registered)";
            links.Add(link);
            if (known is not { Registered: true } found) break;
            (model, number) = (found.ParentModel, found.ParentVersion);
        }
        return string.Join(" ← ", links);
    }
}
