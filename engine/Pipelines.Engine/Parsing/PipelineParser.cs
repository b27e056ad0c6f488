using System.Text.RegularExpressions;
using Pipelines.Engine.Diagnostics;
using Pipelines.Engine.Expressions;
using Pipelines.Engine.Model;
using Pipelines.Engine.Triggers;
using Pipelines.Engine.Yaml;

namespace Pipelines.Engine.Parsing;

/// <summary>
/// Turns a pipeline file's YAML tree into a <see cref="PipelineDefinition"/>, collecting every structural
/// problem (unknown or missing keys, wrong shapes, malformed expressions) with its location.
/// </summary>
public sealed partial class PipelineParser
{
    public static readonly string[] RootKeys = ["name", "description", "on", "concurrency", "params", "steps"];
    public static readonly string[] StepKeys = ["id", "uses", "needs", "if", "timeout", "retry", "continue-on-error", "runs-on", "with"];
    public static readonly string[] RetryKeys = ["attempts", "backoff", "max-backoff"];

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_-]*$")]
    private static partial Regex IdentifierShape();

    private readonly List<Diagnostic> _diagnostics = [];

    public static PipelineDefinition ParseFile(string path, int maxBytes = YamlFileLoader.DefaultMaxBytes) =>
        ParseText(path, YamlFileLoader.ReadFileText(path, maxBytes));

    public static PipelineDefinition ParseText(string fileName, string text) =>
        Parse(fileName, text, YamlFileLoader.LoadText(fileName, text));

    private static PipelineDefinition Parse(string file, string text, YamlNode root)
    {
        var parser = new PipelineParser();
        var definition = parser.ParseRoot(file, text, root);
        if (parser._diagnostics.Count > 0 || definition is null)
            throw new PipelineValidationException(parser._diagnostics);
        return definition;
    }

    private PipelineDefinition? ParseRoot(string file, string text, YamlNode root)
    {
        if (root is not YamlMapping mapping)
        {
            Report(root, DiagnosticCodes.WrongType, $"a pipeline file is a mapping with 'name' and 'steps', found a {root.KindName}");
            return null;
        }
        CheckKeys(mapping, RootKeys, "pipeline");
        var name = RequiredScalar(mapping, "name", "pipeline");
        if (name is not null && !IdentifierShape().IsMatch(name.Value))
            Report(name, DiagnosticCodes.InvalidValue, "a pipeline name is letters, digits, '-' and '_', starting with a letter", name.Value);
        var description = OptionalScalar(mapping, "description");

        var parameters = new List<KeyValuePair<YamlScalar, YamlNode>>();
        if (mapping.Get("params") is { } paramsNode)
        {
            if (paramsNode is YamlMapping paramsMapping)
            {
                foreach (var entry in paramsMapping.Entries)
                {
                    if (!IdentifierShape().IsMatch(entry.Key.Value))
                        Report(entry.Key, DiagnosticCodes.InvalidValue, "a parameter name is letters, digits, '-' and '_'", entry.Key.Value);
                    if (entry.Value is YamlScalar s && Template.ContainsExpression(s.Value))
                        Report(s, DiagnosticCodes.Expression, "parameter defaults are plain values, not expressions", s.Value);
                    parameters.Add(entry);
                }
            }
            else if (!(paramsNode is YamlScalar { IsNull: true }))
                Report(paramsNode, DiagnosticCodes.WrongType, $"'params' is a mapping of names to default values, found a {paramsNode.KindName}");
        }

        var triggerParser = new TriggerParser(parameters.Select(p => p.Key.Value).ToHashSet(StringComparer.Ordinal),
            (node, code, message, offending) => Report(node, code, message, offending));
        var triggers = triggerParser.Parse(mapping.Get("on"));
        var concurrency = triggerParser.ParseConcurrency(mapping.Get("concurrency"));

        var steps = new List<StepDefinition>();
        var stepsNode = mapping.Get("steps");
        if (stepsNode is null)
            Report(mapping, DiagnosticCodes.MissingKey, "pipeline has no 'steps'");
        else if (stepsNode is not YamlSequence sequence)
            Report(stepsNode, DiagnosticCodes.WrongType, $"'steps' is a list, found a {stepsNode.KindName}");
        else if (sequence.Items.Count == 0)
            Report(sequence, DiagnosticCodes.MissingKey, "'steps' is empty");
        else
        {
            var ids = new HashSet<string>(StringComparer.Ordinal);
            foreach (var item in sequence.Items)
            {
                var step = ParseStep(item);
                if (step is null) continue;
                if (!ids.Add(step.Id))
                    Report(step.IdNode, DiagnosticCodes.DuplicateStepId, $"step id '{step.Id}' is used twice", step.Id);
                steps.Add(step);
            }
        }

        if (name is null) return null;
        return new PipelineDefinition
        {
            File = file,
            Name = name.Value,
            Description = description?.Value,
            Params = parameters,
            Triggers = triggers,
            Concurrency = concurrency,
            Steps = steps,
            Root = mapping,
            SourceText = text,
        };
    }

    private StepDefinition? ParseStep(YamlNode node)
    {
        if (node is not YamlMapping mapping)
        {
            Report(node, DiagnosticCodes.WrongType, $"a step is a mapping with 'id' and 'uses', found a {node.KindName}");
            return null;
        }
        CheckKeys(mapping, StepKeys, "step");
        var id = RequiredScalar(mapping, "id", "step");
        if (id is not null && !IdentifierShape().IsMatch(id.Value))
            Report(id, DiagnosticCodes.InvalidValue, "a step id is letters, digits, '-' and '_', starting with a letter", id.Value);
        var uses = RequiredScalar(mapping, "uses", "step");

        YamlMapping? with = null;
        if (mapping.Get("with") is { } withNode)
        {
            if (withNode is YamlMapping withMapping) with = withMapping;
            else if (!(withNode is YamlScalar { IsNull: true }))
                Report(withNode, DiagnosticCodes.WrongType, $"'with' is a mapping of input names to values, found a {withNode.KindName}");
        }

        var needs = new List<YamlScalar>();
        switch (mapping.Get("needs"))
        {
            case null: break;
            case YamlScalar single: needs.Add(single); break;
            case YamlSequence list:
                foreach (var item in list.Items)
                    if (item is YamlScalar s) needs.Add(s);
                    else Report(item, DiagnosticCodes.WrongType, "'needs' lists step ids");
                break;
            case var other:
                Report(other, DiagnosticCodes.WrongType, $"'needs' is a step id or a list of them, found a {other.KindName}");
                break;
        }

        Template? condition = null;
        if (OptionalScalar(mapping, "if") is { } ifNode)
        {
            try { condition = Template.ParseCondition(ifNode); }
            catch (ExpressionSyntaxException e) { ReportSyntax(ifNode, e); }
        }

        TimeSpan? timeout = null;
        if (OptionalScalar(mapping, "timeout") is { } timeoutNode)
            timeout = ParseDuration(timeoutNode, "timeout");

        RetryPolicy? retry = null;
        if (mapping.Get("retry") is { } retryNode) retry = ParseRetry(retryNode);

        var continueOnError = false;
        if (OptionalScalar(mapping, "continue-on-error") is { } coe && !coe.TryGetBoolean(out continueOnError))
            Report(coe, DiagnosticCodes.WrongType, "'continue-on-error' is true or false", coe.Value);

        // A node label: letters, digits and '-', as `pipelines worker --labels` takes them.
        var runsOn = OptionalScalar(mapping, "runs-on");
        if (runsOn is not null && !NodeLabel.IsWellFormed(runsOn.Value))
            Report(runsOn, DiagnosticCodes.InvalidValue, $"'runs-on' names a node label: {NodeLabel.Shape}", runsOn.Value);

        var inputTemplates = TemplateTable.ParseAll(with, (scalar, e) => ReportSyntax(scalar, e));

        if (id is null || uses is null) return null;
        return new StepDefinition
        {
            Id = id.Value,
            IdNode = id,
            Uses = uses.Value,
            UsesNode = uses,
            With = with,
            Needs = needs,
            If = condition,
            InputTemplates = inputTemplates,
            Timeout = timeout,
            Retry = retry,
            ContinueOnError = continueOnError,
            RunsOn = runsOn is not null && NodeLabel.IsWellFormed(runsOn.Value) ? runsOn.Value : null,
            Node = mapping,
        };
    }

    private RetryPolicy? ParseRetry(YamlNode node)
    {
        if (node is YamlScalar scalar)
        {
            if (scalar.TryGetInteger(out var attempts) && attempts is >= 1 and <= 100)
                return new RetryPolicy((int)attempts, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
            Report(scalar, DiagnosticCodes.InvalidValue, "'retry' is a number of attempts (1-100) or a mapping with attempts, backoff, max-backoff", scalar.Value);
            return null;
        }
        if (node is not YamlMapping mapping)
        {
            Report(node, DiagnosticCodes.WrongType, $"'retry' is a number or a mapping, found a {node.KindName}");
            return null;
        }
        CheckKeys(mapping, RetryKeys, "retry");
        var count = 3L;
        if (OptionalScalar(mapping, "attempts") is { } a && !(a.TryGetInteger(out count) && count is >= 1 and <= 100))
            Report(a, DiagnosticCodes.InvalidValue, "'attempts' is a whole number from 1 to 100", a.Value);
        var backoff = OptionalScalar(mapping, "backoff") is { } b ? ParseDuration(b, "backoff") ?? TimeSpan.Zero : TimeSpan.FromSeconds(1);
        var maxBackoff = OptionalScalar(mapping, "max-backoff") is { } m ? ParseDuration(m, "max-backoff") ?? TimeSpan.Zero : TimeSpan.FromMinutes(1);
        return new RetryPolicy((int)count, backoff, maxBackoff);
    }

    private TimeSpan? ParseDuration(YamlScalar node, string key)
    {
        if (DurationText.TryParse(node.Value, out var value) && value > TimeSpan.Zero) return value;
        Report(node, DiagnosticCodes.InvalidValue, $"'{key}' is a duration such as 30s, 5m, 1h30m", node.Value);
        return null;
    }

    private void ReportSyntax(YamlScalar node, ExpressionSyntaxException e) =>
        Report(ExpressionLocation.At(node, e.Offset), DiagnosticCodes.Expression, e.Message, node.Value);

    private void CheckKeys(YamlMapping mapping, string[] allowed, string what)
    {
        foreach (var (key, _) in mapping.Entries)
        {
            if (allowed.Contains(key.Value)) continue;
            var hint = allowed.FirstOrDefault(a => a.StartsWith(key.Value[..Math.Min(2, key.Value.Length)], StringComparison.Ordinal));
            Report(key, DiagnosticCodes.UnknownKey,
                $"unknown {what} key '{key.Value}'; allowed: {string.Join(", ", allowed)}" + (hint is null ? "" : $" (did you mean '{hint}'?)"), key.Value);
        }
    }

    private YamlScalar? RequiredScalar(YamlMapping mapping, string key, string what)
    {
        var node = mapping.Get(key);
        if (node is null)
        {
            Report(mapping, DiagnosticCodes.MissingKey, $"{what} has no '{key}'");
            return null;
        }
        if (node is YamlScalar { IsNull: false } scalar) return scalar;
        Report(node, DiagnosticCodes.WrongType, $"'{key}' is a single value, found a {(node is YamlScalar ? "null" : node.KindName)}");
        return null;
    }

    private YamlScalar? OptionalScalar(YamlMapping mapping, string key)
    {
        var node = mapping.Get(key);
        if (node is null or YamlScalar { IsNull: true }) return null;
        if (node is YamlScalar scalar) return scalar;
        Report(node, DiagnosticCodes.WrongType, $"'{key}' is a single value, found a {node.KindName}");
        return null;
    }

    private void Report(YamlNode node, string code, string message, string? offending = null) =>
        Report(node.Location, code, message, offending);

    private void Report(SourceLocation location, string code, string message, string? offending = null) =>
        _diagnostics.Add(new Diagnostic(location, code, message, offending));
}
