using System.Text;
using System.Text.Json;

namespace Pipelines.Learning.LightGbm;

/// <summary>
/// Every parameter LightGBM knows and its aliases, as the library itself lists them (LGBM_DumpParamAliases).
/// LightGBM only warns about a name it does not know, so a misspelt parameter would silently train with the
/// default; checking names here lets a pipeline refuse it, with the nearest valid name, before anything trains.
/// </summary>
public static class LightGbmParameterNames
{
    private static readonly Lazy<IReadOnlyDictionary<string, string>> CanonicalByName = new(Load);

    /// <summary>Whether LightGBM's library can be loaded here (it cannot on platforms its package does not ship).</summary>
    public static bool IsAvailable
    {
        get
        {
            try
            {
                _ = CanonicalByName.Value;
                return true;
            }
            catch (LightGbmUnavailableException)
            {
                return false;
            }
        }
    }

    /// <summary>The parameter's own name for a name or alias (e.g. num_leaf to num_leaves); null when LightGBM does not know it.</summary>
    public static string? Canonical(string name) => CanonicalByName.Value.GetValueOrDefault(name);

    /// <summary>The message for a name LightGBM does not know, naming the nearest valid parameter; null for a known name.</summary>
    public static string? Problem(string name)
    {
        if (Canonical(name) is not null) return null;
        return $"'{name}' is not a LightGBM parameter; did you mean '{Nearest(name)}'?";
    }

    /// <summary>The parameter whose name or alias is closest to <paramref name="name"/> by edit distance, given by its own name.</summary>
    public static string Nearest(string name)
    {
        var best = "";
        var bestDistance = int.MaxValue;
        // Sorted, so ties resolve the same way on every run.
        foreach (var (candidate, canonical) in CanonicalByName.Value.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var distance = EditDistance(name, candidate);
            if (distance < bestDistance)
            {
                bestDistance = distance;
                best = canonical;
            }
        }
        return best;
    }

    private static IReadOnlyDictionary<string, string> Load()
    {
        var json = LightGbmNative.Guard(ReadAliases);
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        using var document = JsonDocument.Parse(json);
        foreach (var parameter in document.RootElement.EnumerateObject())
        {
            map[parameter.Name] = parameter.Name;
            foreach (var alias in parameter.Value.EnumerateArray()) map.TryAdd(alias.GetString()!, parameter.Name);
        }
        return map;
    }

    private static unsafe string ReadAliases()
    {
        LightGbmNative.Check(LightGbmNative.LGBM_DumpParamAliases(0, out var length, null), "LGBM_DumpParamAliases");
        var buffer = new byte[length];
        fixed (byte* text = buffer)
            LightGbmNative.Check(LightGbmNative.LGBM_DumpParamAliases(buffer.Length, out length, text), "LGBM_DumpParamAliases");
        return Encoding.UTF8.GetString(buffer, 0, (int)Math.Max(0, length - 1));
    }

    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
