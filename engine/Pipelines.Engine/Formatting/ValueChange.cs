using System.Text.RegularExpressions;
using Pipelines.Engine.Yaml;

namespace Pipelines.Engine.Formatting;

/// <summary>
/// One difference between two versions of a YAML value, at the path where it is: <c>params.num_leaves</c>,
/// <c>require[0].min</c>. <see cref="Before"/> is null for an added value, <see cref="After"/> for a removed one.
/// </summary>
internal sealed partial record ValueChange(string Path, YamlNode? Before, YamlNode? After)
{
    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex PlainKey();

    /// <summary>
    /// The differences between <paramref name="before"/> and <paramref name="after"/>, named from
    /// <paramref name="path"/>: maps key by key, sequences item by item at the same index (an item inserted
    /// at the front therefore shows as every later item changed, as DVC shows it), anything else whole.
    /// </summary>
    public static List<ValueChange> Between(string path, YamlNode? before, YamlNode? after)
    {
        var changes = new List<ValueChange>();
        Collect(changes, path, before, after);
        return changes;
    }

    private static void Collect(List<ValueChange> changes, string path, YamlNode? before, YamlNode? after)
    {
        if (YamlValues.Equal(before, after)) return;
        switch (before, after)
        {
            case (YamlMapping a, YamlMapping b) when SameKeyOrder(a, b):
                foreach (var (key, value) in b.Entries)
                    Collect(changes, Key(path, key.Value), a.Get(key.Value), value);
                foreach (var (key, value) in a.Entries)
                    if (b.Get(key.Value) is null) changes.Add(new(Key(path, key.Value), value, null));
                break;
            case (YamlSequence a, YamlSequence b):
                for (var i = 0; i < Math.Max(a.Items.Count, b.Items.Count); i++)
                    Collect(changes, $"{path}[{i}]", i < a.Items.Count ? a.Items[i] : null, i < b.Items.Count ? b.Items[i] : null);
                break;
            default:
                changes.Add(new(path, before, after));
                break;
        }
    }

    // A map reaches its step with its keys in order, so moving keys changes the value even where no key's
    // value changed; key-by-key lines could not show that, so such a map is shown whole.
    private static bool SameKeyOrder(YamlMapping a, YamlMapping b) =>
        a.Entries.Select(e => e.Key.Value).Where(k => b.Get(k) is not null)
            .SequenceEqual(b.Entries.Select(e => e.Key.Value).Where(k => a.Get(k) is not null), StringComparer.Ordinal);

    // A key that holds a dot, bracket or space would make the path ambiguous, so it is quoted as YAML would.
    private static string Key(string path, string key) =>
        PlainKey().IsMatch(key) ? $"{path}.{key}" : $"{path}[{YamlScalarText.Quoted(key)}]";
}
