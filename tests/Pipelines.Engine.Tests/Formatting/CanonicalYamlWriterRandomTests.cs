using Pipelines.Engine.Diagnostics;
using Pipelines.Engine.Formatting;
using Pipelines.Engine.Yaml;

namespace Pipelines.Engine.Tests.Formatting;

/// <summary>
/// Random pipeline trees built from awkward text: whatever the writer produces must load back to the same
/// values and types, keep every comment, and format to itself.
/// </summary>
public class CanonicalYamlWriterRandomTests
{
    private static readonly SourceLocation Nowhere = new("", 0, 0);

    // Text a YAML parser can hand over as a plain scalar, so plain nodes in the tree are realistic.
    private static readonly string[] PlainTexts =
        ["BTCUSDT", "5", "-3", "2.5", "true", "false", "null", "~", "", "a b", "a,b", "${{ params.x }}", "-x", "a:b", "日本", "x#y", "yes"];

    private static readonly string[] AnyTexts =
    [
        "", " ", "a", "true", "True", "5", "0x1F", "1:30", "null", "~", "yes", "a: b", "a #b", "#a", "- a", "-", "?", ":",
        "a:", "[a]", "{a: 1}", "*r", "&a", "!t", "|", ">", "%", "@", "`", "'", "\"", "it's", "say \"hi\"", " lead", "trail ",
        "---", "...", "a\tb", "back\\slash", "\u0007", "é ✓ 日本 🚀", "${{ steps.a.outputs.table }}", "${{ x == 'y' }}",
        "SELECT *\nFROM t\n", "a\nb", "  indented\nnext\n", "a\n\nb\n", "a\nb\n\n", "trailing \nspace", "\n", "\nlead\n",
        "a\r\nb", "x, y", "a]b", "{{", "<<", "=", ".inf", "-.5", "1e3", "0o17", "+1",
    ];

    private static readonly string[] CommentTexts = ["note", "it's: fine", "- bullet", "#hash", "日本語", "a  b"];

    [Fact]
    public void RandomTreesRoundTripKeepCommentsAndAreStable()
    {
        var random = new Random(20261121);
        for (var iteration = 0; iteration < 500; iteration++)
        {
            var root = RandomPipeline(random);
            var once = CanonicalYamlWriter.Write(root, "schema.json");
            YamlNode loaded;
            try { loaded = YamlFileLoader.LoadText("p.yaml", once); }
            catch (PipelineValidationException e) { throw new Xunit.Sdk.XunitException($"iteration {iteration}: {e.Message}\n{once}"); }
            Assert.True(YamlTree.Describe(root) == YamlTree.Describe(loaded), $"iteration {iteration} changed values:\n{once}");
            Assert.True(Comments(root).SequenceEqual(Comments(loaded)), $"iteration {iteration} lost comments: [{string.Join("|", Comments(root))}] vs [{string.Join("|", Comments(loaded))}]\n{once}");
            var twice = CanonicalYamlWriter.Write((YamlMapping)loaded, "schema.json");
            Assert.True(once == twice, $"iteration {iteration} is not stable:\n{once}\n----- second -----\n{twice}");
        }
    }

    private static YamlMapping RandomPipeline(Random random)
    {
        var steps = new List<YamlNode>();
        for (var i = random.Next(1, 4); i > 0; i--)
        {
            var entries = new List<KeyValuePair<YamlScalar, YamlNode>>
            {
                new(Key(random, "uses"), Commented(random, Scalar(random))),
                new(Key(random, "id"), Commented(random, Plain("s" + i))),
                new(Key(random, "with"), RandomMapping(random, 2)),
            };
            if (random.Next(2) == 0) entries.Reverse();
            steps.Add(Commented(random, new YamlMapping(Nowhere, entries, random.Next(2) == 0)));
        }
        return new YamlMapping(Nowhere,
        [
            new(Key(random, "steps"), new YamlSequence(Nowhere, steps, false)),
            new(Key(random, "params"), RandomMapping(random, 1)),
            new(Key(random, "name"), Commented(random, Plain("demo"))),
        ], false);
    }

    private static YamlNode RandomValue(Random random, int depth) => random.Next(depth > 0 ? 5 : 3) switch
    {
        0 or 1 => Commented(random, Scalar(random)),
        2 => Commented(random, RandomSequence(random, depth)),
        3 => RandomSequence(random, depth),
        _ => RandomMapping(random, depth - 1),
    };

    private static YamlSequence RandomSequence(Random random, int depth)
    {
        var items = new List<YamlNode>();
        for (var i = random.Next(0, 5); i > 0; i--)
            items.Add(random.Next(4) == 0 && depth > 0 ? RandomMapping(random, depth - 1) : random.Next(3) == 0 ? Commented(random, Scalar(random)) : Scalar(random));
        return new YamlSequence(Nowhere, items, random.Next(2) == 0);
    }

    private static YamlMapping RandomMapping(Random random, int depth)
    {
        var entries = new List<KeyValuePair<YamlScalar, YamlNode>>();
        var used = new HashSet<string>();
        for (var i = random.Next(0, 5); i > 0; i--)
        {
            var key = random.Next(3) == 0 ? AnyTexts[random.Next(AnyTexts.Length)] : "k" + i;
            if (!used.Add(key)) continue;
            // An empty plain key is written as its other spelling '~', so it would not compare equal as text.
            entries.Add(new(Key(random, key, quoted: !PlainTexts.Contains(key) || key.Length == 0 || random.Next(2) == 0), RandomValue(random, depth)));
        }
        return new YamlMapping(Nowhere, entries, random.Next(2) == 0);
    }

    private static YamlScalar Scalar(Random random) => random.Next(2) == 0
        ? Plain(PlainTexts[random.Next(PlainTexts.Length)])
        : new YamlScalar(Nowhere, AnyTexts[random.Next(AnyTexts.Length)], isQuoted: true);

    private static YamlScalar Key(Random random, string text, bool quoted = false)
    {
        var key = new YamlScalar(Nowhere, text, quoted);
        if (random.Next(4) == 0) key.LeadingComments.Add(CommentTexts[random.Next(CommentTexts.Length)]);
        return key;
    }

    private static T Commented<T>(Random random, T node) where T : YamlNode
    {
        if (random.Next(4) == 0) node.LeadingComments.Add(CommentTexts[random.Next(CommentTexts.Length)]);
        if (random.Next(4) == 0) node.TrailingComment = CommentTexts[random.Next(CommentTexts.Length)];
        return node;
    }

    private static YamlScalar Plain(string text) => new(Nowhere, text, isQuoted: false);

    /// <summary>
    /// Every comment's text but the schema line, whichever node it ended up on, sorted: a comment may attach to
    /// a neighbouring node when read back, yet must still be written in the same place.
    /// </summary>
    private static List<string> Comments(YamlNode node)
    {
        var all = new List<string>();
        void Walk(YamlNode n)
        {
            all.AddRange(n.LeadingComments);
            if (n.TrailingComment is not null) all.AddRange(n.TrailingComment.Split(" # "));
            if (n is YamlSequence s) foreach (var item in s.Items) Walk(item);
            if (n is YamlMapping m) foreach (var (k, v) in m.Entries) { Walk(k); Walk(v); }
        }
        Walk(node);
        all.RemoveAll(c => c.StartsWith(CanonicalYamlWriter.SchemaCommentPrefix, StringComparison.Ordinal));
        all.Sort(StringComparer.Ordinal);
        return all;
    }
}
