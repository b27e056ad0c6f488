using System.CommandLine;
using Pipelines.Cli.Output;
using Pipelines.Engine.Storage;
using Spectre.Console;

namespace Pipelines.Cli.Commands;

public static class LineageCommand
{
    public static Command Create(Func<ParseResult, CliContext> contextFor)
    {
        var artifact = new Argument<string>("artifact") { Description = "Artifact sha256 or a unique prefix (as shown by 'pipelines show')." };
        var command = new Command("lineage", "Show what an artifact was made from (upstream) and what was made from it (downstream).") { artifact };
        command.SetAction((parse, _) =>
        {
            var context = contextFor(parse);
            return CommandGuard.RunAsync(context, () =>
            {
                using var store = context.OpenStore();
                var prefix = parse.GetValue(artifact)!;
                var matches = store.FindArtifacts(prefix);
                if (matches.Count == 0) throw new ArgumentException($"no artifact '{prefix}' in the store");
                if (matches.Count > 1) throw new ArgumentException($"artifact prefix '{prefix}' matches {matches.Count} artifacts; give more characters");
                var record = matches[0];
                var console = Consoles.For(context.Output);
                console.MarkupLine($"[bold]{record.Artifact.Sha256}[/] {record.Artifact.Kind} ({record.Artifact.Format}, {Durations.Bytes(record.Artifact.Bytes)})");
                console.MarkupLine(Markup.Escape(record.IsSource
                    ? $"source file {record.Artifact.StorePath}"
                    : $"produced by step {record.ProducedByStep} in run {record.ProducedByRun}, stored at {record.Artifact.StorePath}"));

                var known = store.AllArtifacts().ToDictionary(a => a.Sha256);
                string Label(string sha) => known.TryGetValue(sha, out var a)
                    ? $"{a.ShortId} {a.Kind}" + (a.Kind == "source" ? $" {a.StorePath}" : "")
                    : sha[..12];

                console.Write(Tree("upstream (made from)", record.Artifact.Sha256, store.Lineage(record.Artifact.Sha256, upstream: true), upstream: true, Label));
                console.Write(Tree("downstream (made from it)", record.Artifact.Sha256, store.Lineage(record.Artifact.Sha256, upstream: false), upstream: false, Label));
                return Task.FromResult(ExitCodes.Success);
            });
        });
        return command;
    }

    private static Tree Tree(string title, string root, IReadOnlyList<LineageEdge> edges, bool upstream, Func<string, string> label)
    {
        var tree = new Tree(Markup.Escape(title));
        var visited = new HashSet<string>();
        void Add(IHasTreeNodes parent, string sha, int depth)
        {
            foreach (var edge in edges.Where(e => (upstream ? e.ChildSha256 : e.ParentSha256) == sha))
            {
                var next = upstream ? edge.ParentSha256 : edge.ChildSha256;
                var node = parent.AddNode(Markup.Escape($"{label(next)}  ← {edge.StepId} in {edge.RunId}"));
                if (depth < 50 && visited.Add(next + "|" + edge.RunId)) Add(node, next, depth + 1);
            }
        }
        Add(tree, root, 0);
        if (edges.Count == 0) tree.AddNode("(none)");
        return tree;
    }
}
