namespace Pipelines.Learning.Trees;

/// <summary>
/// Feature names as LightGBM's model format can hold them: the names line is space-separated, so whitespace
/// becomes '_' (as LightGBM itself does), and LightGBM refuses the JSON punctuation " , : [ ] { }.
/// </summary>
public static class LightGbmFeatureNames
{
    private const string Forbidden = "\",:[]{}";

    public static string Normalize(string name) =>
        string.Create(name.Length, name, (span, source) =>
        {
            for (int i = 0; i < source.Length; i++) span[i] = char.IsWhiteSpace(source[i]) ? '_' : source[i];
        });

    /// <summary>Normalized names; throws naming the first name LightGBM cannot hold or two names that collide.</summary>
    public static string[] NormalizeAll(IReadOnlyList<string> names)
    {
        var result = new string[names.Count];
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < names.Count; i++)
        {
            string name = names[i];
            if (name.Length == 0) throw new ArgumentException($"Feature {i} has an empty name.");
            int bad = name.IndexOfAny(Forbidden.ToCharArray());
            if (bad >= 0) throw new ArgumentException($"Feature name '{name}' contains '{name[bad]}', which LightGBM's model format does not allow.");
            result[i] = Normalize(name);
            if (!seen.TryAdd(result[i], name))
                throw new ArgumentException($"Feature names '{seen[result[i]]}' and '{name}' both become '{result[i]}' in the model format.");
        }
        return result;
    }

    /// <summary>Throws if a name would corrupt the model text.</summary>
    public static void Check(IReadOnlyList<string> names)
    {
        var normalized = NormalizeAll(names);
        for (int i = 0; i < names.Count; i++)
        {
            if (!string.Equals(normalized[i], names[i], StringComparison.Ordinal))
                throw new ArgumentException($"Feature name '{names[i]}' contains whitespace, which LightGBM's space-separated feature_names line cannot hold.");
        }
    }
}
