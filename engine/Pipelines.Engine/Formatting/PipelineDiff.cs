using System.Text;
using System.Text.RegularExpressions;
using Pipelines.Engine.Documentation;
using Pipelines.Engine.Model;
using Pipelines.Engine.Planning;
using Pipelines.Engine.Yaml;

namespace Pipelines.Engine.Formatting;

/// <summary>
/// Explains a change to a pipeline in Markdown for a pull request: what changed, input by input, and what
/// the next run will recompute. Values are compared by meaning, so reformatting alone explains as no change,
/// and a change deep inside an input or parameter is named by its path (<c>params.num_leaves</c>) rather
/// than shown as the whole value twice.
/// </summary>
public static class PipelineDiff
{
    private const string Arrow = "→";

    /// <param name="before">The pipeline as it is on the base branch.</param>
    /// <param name="after">The changed pipeline.</param>
    /// <param name="afterCompiled">
    /// The changed pipeline compiled against the catalogue, for its exact dependencies; when null (for example
    /// because it does not compile yet) dependencies are read from <c>needs</c> and <c>${{ steps.X }}</c> references.
    /// </param>
    public static string Explain(PipelineDefinition before, PipelineDefinition after, CompiledPipeline? afterCompiled = null)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var parameters = CompareParameters(before, after);
        var triggers = TriggerChanges.Between(before, after);
        var matching = StepMatching.Match(before, after);
        var stepDetails = matching.Pairs
            .Select(p => (p.Before, p.After, Details: StepChanges(p.Before, p.After)))
            .Where(p => p.Details.Count > 0)
            .ToList();

        var builder = new StringBuilder();
        builder.Append("**").Append(after.Name).Append("**: ");
        var summary = Summary(before, after, parameters, matching, stepDetails.Count(p => p.Before.Id == p.After.Id));
        if (triggers.Count > 0) summary.Add("triggers changed");
        builder.Append(summary.Count == 0 ? "no changes" : string.Join(", ", summary)).Append(".\n");

        var pipelineLines = new List<string>();
        if (before.Name != after.Name) pipelineLines.Add($"- name: {Code(before.Name)} {Arrow} {Code(after.Name)}");
        if (before.Description != after.Description)
            pipelineLines.Add($"- description: {(before.Description is null ? "none" : Code(before.Description))} {Arrow} {(after.Description is null ? "none" : Code(after.Description))}");
        Section(builder, "Pipeline", pipelineLines);

        var parameterLines = new List<string>();
        foreach (var parameter in parameters)
            foreach (var change in ValueChange.Between(parameter.Name, parameter.Before, parameter.After))
                AddChange(parameterLines, "", change);
        Section(builder, "Parameters", parameterLines);

        var triggerLines = new List<string>();
        foreach (var change in triggers) AddChange(triggerLines, "", change);
        Section(builder, "Triggers", triggerLines);

        var stepLines = new List<string>();
        foreach (var step in matching.Added) stepLines.Add($"- {Code(step.Id)} added ({Code(step.Uses)})");
        foreach (var step in matching.Removed) stepLines.Add($"- {Code(step.Id)} removed (was {Code(step.Uses)})");
        foreach (var (old, renamed) in matching.Renamed) stepLines.Add($"- {Code(old.Id)} renamed to {Code(renamed.Id)} (same `uses` and `with`)");
        Section(builder, "Steps", stepLines);

        foreach (var (old, changed, details) in stepDetails)
        {
            var was = old.Id == changed.Id ? "" : $", was {Code(old.Id)}";
            builder.Append("\n#### ").Append(Code(changed.Id)).Append(" (").Append(Code(changed.Uses)).Append(was).Append(")\n\n");
            foreach (var line in details) builder.Append(line).Append('\n');
        }

        if (summary.Count > 0)
            Section(builder, "Effect on the next run", NextRun(after, afterCompiled, parameters, matching));
        return builder.ToString();
    }

    private sealed record ParameterChange(string Name, YamlNode? Before, YamlNode? After);

    private static List<ParameterChange> CompareParameters(PipelineDefinition before, PipelineDefinition after)
    {
        var old = before.Params.ToDictionary(p => p.Key.Value, p => p.Value, StringComparer.Ordinal);
        var result = new List<ParameterChange>();
        foreach (var (key, value) in after.Params)
        {
            var previous = old.GetValueOrDefault(key.Value);
            if (previous is null) result.Add(new(key.Value, null, value));
            else if (!YamlValues.Equal(previous, value)) result.Add(new(key.Value, previous, value));
        }
        var current = after.Params.Select(p => p.Key.Value).ToHashSet(StringComparer.Ordinal);
        foreach (var (key, value) in before.Params)
            if (!current.Contains(key.Value)) result.Add(new(key.Value, value, null));
        return result;
    }

    private static List<string> Summary(PipelineDefinition before, PipelineDefinition after, List<ParameterChange> parameters, StepMatching matching, int changedSteps)
    {
        var parts = new List<string>();
        if (before.Name != after.Name) parts.Add("name changed");
        if (before.Description != after.Description) parts.Add("description changed");
        Count(parts, matching.Added.Count, "step", "added");
        Count(parts, matching.Removed.Count, "step", "removed");
        Count(parts, matching.Renamed.Count, "step", "renamed");
        Count(parts, changedSteps, "step", "changed");
        Count(parts, parameters.Count(p => p.Before is null), "parameter", "added");
        Count(parts, parameters.Count(p => p.After is null), "parameter", "removed");
        Count(parts, parameters.Count(p => p.Before is not null && p.After is not null), "parameter", "changed");
        return parts;
    }

    private static void Count(List<string> parts, int count, string noun, string verb)
    {
        if (count > 0) parts.Add($"{count} {noun}{(count == 1 ? "" : "s")} {verb}");
    }

    private static List<string> StepChanges(StepDefinition old, StepDefinition changed)
    {
        var lines = new List<string>();
        if (old.Uses != changed.Uses) lines.Add($"- `uses`: {Code(old.Uses)} {Arrow} {Code(changed.Uses)}");

        var oldInputs = old.With?.Entries ?? [];
        var newInputs = changed.With?.Entries ?? [];
        // Inputs bind to properties by name, so only what each name holds is compared, not their order.
        foreach (var (key, value) in newInputs)
            foreach (var change in ValueChange.Between(key.Value, old.With?.Get(key.Value), value))
                AddChange(lines, "input ", change);
        foreach (var (key, value) in oldInputs)
            if (changed.With?.Get(key.Value) is null) AddChange(lines, "input ", new ValueChange(key.Value, value, null));

        var oldNeeds = old.Needs.Select(n => n.Value).ToList();
        var newNeeds = changed.Needs.Select(n => n.Value).ToList();
        if (!oldNeeds.SequenceEqual(newNeeds))
            lines.Add($"- `needs`: {List(oldNeeds)} {Arrow} {List(newNeeds)}");
        if (old.If?.Text != changed.If?.Text)
            lines.Add($"- `if`: {Raw(old, "if")} {Arrow} {Raw(changed, "if")}");
        if (old.Timeout != changed.Timeout)
            lines.Add($"- `timeout`: {Raw(old, "timeout")} {Arrow} {Raw(changed, "timeout")}");
        if (old.Retry != changed.Retry)
            lines.Add($"- `retry`: {Raw(old, "retry")} {Arrow} {Raw(changed, "retry")}");
        if (old.ContinueOnError != changed.ContinueOnError)
            lines.Add($"- `continue-on-error`: {Code(Bool(old.ContinueOnError))} {Arrow} {Code(Bool(changed.ContinueOnError))}");
        if (old.RunsOn != changed.RunsOn)
            lines.Add($"- `runs-on`: {Code(old.RunsOn ?? "any node")} {Arrow} {Code(changed.RunsOn ?? "any node")}");
        return lines;
    }

    /// <param name="kind">What the path names, such as <c>"input "</c>; empty where the section says it.</param>
    private static void AddChange(List<string> lines, string kind, ValueChange change)
    {
        var (before, after) = (change.Before, change.After);
        var what = before is null ? "added" : after is null ? "removed" : "changed";
        var textual = before is null or YamlScalar && after is null or YamlScalar;
        if (textual && (YamlValues.IsMultiLine(before) || YamlValues.IsMultiLine(after)))
        {
            var diff = LineDiff.Unified(((YamlScalar?)before)?.Value ?? "", ((YamlScalar?)after)?.Value ?? "");
            if (diff.All(l => l[0] == ' '))
            {
                lines.Add($"- {kind}{Code(change.Path)} changed: line breaks at the end only");
                return;
            }
            lines.Add($"- {kind}{Code(change.Path)} {what}:");
            var fence = MarkdownText.Fence(diff);
            lines.Add("  " + fence + "diff");
            lines.AddRange(diff.Select(l => "  " + l));
            lines.Add("  " + fence);
            return;
        }
        lines.Add(what switch
        {
            "added" => $"- {kind}{Code(change.Path)} added: {Value(after)}",
            "removed" => $"- {kind}{Code(change.Path)} removed (was {Value(before)})",
            _ => $"- {kind}{Code(change.Path)} changed: {Value(before)} {Arrow} {Value(after)}",
        });
    }

    private static List<string> NextRun(PipelineDefinition after, CompiledPipeline? compiled,
        List<ParameterChange> parameters, StepMatching matching)
    {
        var changedParameters = parameters.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var rewrite = RenameRewriter(matching.Renamed);
        var reasons = new Dictionary<string, string>(StringComparer.Ordinal);
        var firstRun = matching.Added.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var (old, changed) in matching.Pairs)
        {
            // The cache key is the step type, its version and its resolved inputs: only these force a rerun.
            if (old.Uses != changed.Uses) reasons[changed.Id] = "`uses` changed";
            else if (!YamlValues.SameInputs(old.With, changed.With, rewrite)) reasons[changed.Id] = "`with` changed";
            else
            {
                var read = StepReferences.In(changed)
                    .Where(r => r.Reference.Path is ["params", var name, ..] && changedParameters.Contains(name) && IsInput(changed, r.Node))
                    .Select(r => r.Reference.Path[1]).Distinct().ToList();
                if (read.Count > 0)
                    reasons[changed.Id] = (read.Count == 1 ? "parameter " : "parameters ") + string.Join(", ", read.Select(Code)) + " changed";
            }
        }

        var dependencies = Dependencies(after, compiled);
        var upstream = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        bool grew;
        do
        {
            grew = false;
            foreach (var step in after.Steps)
            {
                if (firstRun.Contains(step.Id) || reasons.ContainsKey(step.Id) || upstream.ContainsKey(step.Id)) continue;
                var triggers = dependencies[step.Id].Where(d => firstRun.Contains(d) || reasons.ContainsKey(d) || upstream.ContainsKey(d)).ToList();
                if (triggers.Count == 0) continue;
                upstream[step.Id] = triggers;
                grew = true;
            }
        } while (grew);

        var renamedFrom = matching.Renamed.ToDictionary(r => r.After.Id, r => r.Before.Id, StringComparer.Ordinal);
        var lines = new List<string>();
        var order = after.Steps.Select(s => s.Id).ToList();
        AddLine(lines, "Run for the first time", order.Where(firstRun.Contains).Select(Code));
        AddLine(lines, "Rerun because their inputs changed", order.Where(reasons.ContainsKey).Select(id => $"{Code(id)} ({reasons[id]})"));
        AddLine(lines, "Rerun because an upstream step reruns (reused if its output is unchanged)",
            order.Where(upstream.ContainsKey).Select(id => $"{Code(id)} (after {string.Join(", ", upstream[id].Select(Code))})"));
        AddLine(lines, "Reused from the cache", order
            .Where(id => !firstRun.Contains(id) && !reasons.ContainsKey(id) && !upstream.ContainsKey(id))
            .Select(id => renamedFrom.TryGetValue(id, out var was) ? $"{Code(id)} (renamed from {Code(was)})" : Code(id)));
        AddLine(lines, "No longer run", matching.Removed.Select(s => Code(s.Id)));
        return lines;
    }

    private static bool IsInput(StepDefinition step, YamlScalar node) => !ReferenceEquals(step.Node.Get("if"), node);

    private static Func<string, string>? RenameRewriter(IReadOnlyList<(StepDefinition Before, StepDefinition After)> renamed)
    {
        if (renamed.Count == 0) return null;
        // A reference to a renamed step resolves to the same artifact, so it does not change a step's inputs.
        var map = renamed.ToDictionary(r => r.Before.Id, r => r.After.Id, StringComparer.Ordinal);
        var pattern = new Regex(@"(?<![A-Za-z0-9_.-])steps\.(" + string.Join('|', map.Keys.Select(Regex.Escape)) + @")(?=\.)");
        return text => text.Contains("${{", StringComparison.Ordinal) ? pattern.Replace(text, m => "steps." + map[m.Groups[1].Value]) : text;
    }

    private static Dictionary<string, List<string>> Dependencies(PipelineDefinition after, CompiledPipeline? compiled)
    {
        if (compiled is not null)
            return compiled.Steps.ToDictionary(s => s.Id, s => s.DependsOn.ToList(), StringComparer.Ordinal);
        var ids = after.Steps.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var step in after.Steps)
        {
            var found = step.Needs.Select(n => n.Value)
                .Concat(StepReferences.In(step).Where(r => r.Reference.Path is ["steps", _, ..]).Select(r => r.Reference.Path[1]))
                .Where(ids.Contains).Distinct().ToList();
            result[step.Id] = found;
        }
        return result;
    }

    private static void AddLine(List<string> lines, string label, IEnumerable<string> items)
    {
        var list = items.ToList();
        if (list.Count > 0) lines.Add($"- {label}: {string.Join(", ", list)}");
    }

    private static void Section(StringBuilder builder, string title, List<string> lines)
    {
        if (lines.Count == 0) return;
        builder.Append("\n### ").Append(title).Append("\n\n");
        foreach (var line in lines) builder.Append(line).Append('\n');
    }

    private static string Raw(StepDefinition step, string key) =>
        step.Node.Get(key) is { } node and not YamlScalar { IsNull: true } ? Value(node) : "none";

    private static string Value(YamlNode? node) => node is null ? "none" : Code(YamlValues.Compact(node));

    private static string List(List<string> items) => items.Count == 0 ? "none" : Code("[" + string.Join(", ", items) + "]");

    private static string Bool(bool value) => value ? "true" : "false";

    private static string Code(string text) => MarkdownText.Code(text);
}
