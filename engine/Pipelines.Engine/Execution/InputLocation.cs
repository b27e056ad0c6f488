using System.Text.RegularExpressions;
using Pipelines.Engine.Diagnostics;
using Pipelines.Engine.Yaml;

namespace Pipelines.Engine.Execution;

/// <summary>
/// Where in the pipeline file a step input is written, for a problem only the data can show (a column the table
/// lacks, a price that is missing): the step names the input by its path (<c>regime.column</c>,
/// <c>require[1].min</c>), and the error points at that value as a compile-time error would. A path that leads
/// nowhere (an input left to its default) points at the deepest part written, and at the step itself at worst.
/// </summary>
public static partial class InputLocation
{
    [GeneratedRegex(@"^(?<key>[^\[\]]+)?(?<indexes>(\[\d+\])*)$")]
    private static partial Regex Segment();

    public static SourceLocation Find(YamlMapping? with, string inputPath, SourceLocation step)
    {
        YamlNode? node = with;
        var found = step;
        if (node is null || string.IsNullOrWhiteSpace(inputPath)) return found;
        foreach (var part in inputPath.Split('.'))
        {
            var match = Segment().Match(part);
            if (!match.Success) return found;
            if (match.Groups["key"].Success)
            {
                if (node is not YamlMapping mapping || mapping.Get(match.Groups["key"].Value) is not { } value) return found;
                node = value;
                found = node.Location;
            }
            foreach (var index in match.Groups["indexes"].Value.Split('[', StringSplitOptions.RemoveEmptyEntries))
            {
                var i = int.Parse(index.TrimEnd(']'));
                if (node is not YamlSequence sequence || i >= sequence.Items.Count) return found;
                node = sequence.Items[i];
                found = node.Location;
            }
        }
        return found;
    }
}
