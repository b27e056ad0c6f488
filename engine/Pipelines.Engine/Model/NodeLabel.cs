using System.Text.RegularExpressions;

namespace Pipelines.Engine.Model;

/// <summary>
/// A label a cluster node carries (<c>pipelines worker --labels train,gpu</c>) and a step can require (<c>runs-on: train</c>):
/// lower-case letters, digits and '-', starting with a letter, at most 40 characters, so it reads the same in YAML, on a
/// command line and in Quartz's execution-group column.
/// </summary>
public static partial class NodeLabel
{
    public const string Shape = "lower-case letters, digits and '-', starting with a letter, at most 40 characters";

    public static bool IsWellFormed(string label) => Pattern().IsMatch(label);

    [GeneratedRegex("^[a-z][a-z0-9-]{0,39}$")]
    private static partial Regex Pattern();
}
