using Pipelines.Engine.Diagnostics;
using Pipelines.Engine.Triggers;
using Pipelines.Engine.Yaml;

namespace Pipelines.Engine.Parsing;

/// <summary>
/// Reads a pipeline's <c>on:</c> and <c>concurrency:</c> sections. Every problem is reported with its location
/// and text, so a schedule that could never fire as written is refused before the service would schedule it.
/// </summary>
internal sealed class TriggerParser(IReadOnlySet<string> declaredParameters, Action<YamlNode, string, string, string?> report)
{
    public static readonly string[] OnKeys = ["schedule", "events", "manual"];
    public static readonly string[] ScheduleKeys = ["cron", "timezone", "catch_up"];
    public static readonly string[] ManualKeys = ["params"];
    public const string EventTypeKey = "type";

    public PipelineTriggers Parse(YamlNode? node)
    {
        if (node is null or YamlScalar { IsNull: true }) return PipelineTriggers.None;
        if (node is not YamlMapping mapping)
        {
            report(node, DiagnosticCodes.WrongType, $"'on' is a mapping with schedule, events and manual, found a {node.KindName}", null);
            return PipelineTriggers.None;
        }
        CheckKeys(mapping, OnKeys, "'on'");
        var schedules = Items(mapping.Get("schedule"), "schedule").Select(ParseSchedule).OfType<ScheduleTrigger>().ToList();
        var events = Items(mapping.Get("events"), "events").Select(ParseEvent).OfType<EventSubscription>().ToList();
        var manual = mapping.Get("manual") is { } manualNode ? ParseManual(manualNode) : ManualTrigger.AnyParameter;
        return new PipelineTriggers(schedules, events, manual);
    }

    public ConcurrencyPolicy ParseConcurrency(YamlNode? node)
    {
        if (node is null or YamlScalar { IsNull: true }) return ConcurrencyPolicy.Allow;
        if (node is YamlScalar scalar && TriggerNames.TryParse<ConcurrencyPolicy>(scalar.Value, out var policy)) return policy;
        report(node, DiagnosticCodes.InvalidValue,
            $"'concurrency' is one of {string.Join(", ", TriggerNames.ConcurrencyPolicies)}", (node as YamlScalar)?.Value);
        return ConcurrencyPolicy.Allow;
    }

    private IEnumerable<YamlNode> Items(YamlNode? node, string key)
    {
        switch (node)
        {
            case null or YamlScalar { IsNull: true }:
                return [];
            case YamlSequence sequence:
                return sequence.Items;
            default:
                report(node, DiagnosticCodes.WrongType, $"'on.{key}' is a list, found a {node.KindName}", null);
                return [];
        }
    }

    private ScheduleTrigger? ParseSchedule(YamlNode node)
    {
        if (node is not YamlMapping mapping)
        {
            report(node, DiagnosticCodes.WrongType, $"a schedule is a mapping with 'cron', found a {node.KindName}", null);
            return null;
        }
        CheckKeys(mapping, ScheduleKeys, "schedule");
        StandardCron? cron = null;
        if (Scalar(mapping, "cron", required: true) is { } cronNode)
        {
            try
            {
                cron = StandardCron.Parse(cronNode.Value);
            }
            catch (CronSyntaxException e)
            {
                report(cronNode, DiagnosticCodes.InvalidValue, e.Message, cronNode.Value);
            }
        }

        var timeZone = TimeZoneInfo.Utc;
        if (Scalar(mapping, "timezone", required: false) is { } zoneNode)
        {
            // IANA ids only: a Windows id would resolve here on Linux yet mean nothing to a reviewer or to other tools.
            if (TimeZoneInfo.TryFindSystemTimeZoneById(zoneNode.Value, out var found) && found.HasIanaId) timeZone = found;
            else
            {
                report(zoneNode, DiagnosticCodes.InvalidValue,
                    $"timezone '{zoneNode.Value}' is not an IANA time zone such as Europe/London, America/New_York or UTC", zoneNode.Value);
                return null;
            }
        }

        var catchUp = CatchUpPolicy.None;
        if (Scalar(mapping, "catch_up", required: false) is { } catchUpNode && !TriggerNames.TryParse(catchUpNode.Value, out catchUp))
            report(catchUpNode, DiagnosticCodes.InvalidValue,
                $"'catch_up' is one of {string.Join(", ", TriggerNames.CatchUpPolicies)}", catchUpNode.Value);

        if (cron is not null && cron.ToQuartz(timeZone).GetNextValidTimeAfter(DateTimeOffset.UtcNow) is null)
        {
            report(mapping.Get("cron")!, DiagnosticCodes.InvalidValue, $"cron '{cron.Text}' names no date that exists, so it would never fire", cron.Text);
            return null;
        }
        return cron is null ? null : new ScheduleTrigger(cron, timeZone, catchUp, mapping);
    }

    private EventSubscription? ParseEvent(YamlNode node)
    {
        if (node is not YamlMapping mapping)
        {
            report(node, DiagnosticCodes.WrongType, $"an event subscription is a mapping with 'type', found a {node.KindName}", null);
            return null;
        }
        if (Scalar(mapping, EventTypeKey, required: true) is not { } typeNode) return null;
        var type = EventCatalog.Find(typeNode.Value);
        if (type is null)
        {
            report(typeNode, DiagnosticCodes.InvalidValue, EventCatalog.UnknownTypeMessage(typeNode.Value), typeNode.Value);
            return null;
        }
        CheckKeys(mapping, [EventTypeKey, .. type.Filters], $"'{type.Name}' subscription");

        DriftSeverityLevel? minSeverity = null;
        if (Scalar(mapping, EventCatalog.MinSeverityFilter, required: false) is { } severityNode)
        {
            if (Enum.TryParse<DriftSeverityLevel>(severityNode.Value, ignoreCase: true, out var level) && !char.IsDigit(severityNode.Value[0]))
                minSeverity = level;
            else
                report(severityNode, DiagnosticCodes.InvalidValue,
                    $"'min_severity' is one of {string.Join(", ", Enum.GetNames<DriftSeverityLevel>().Select(n => n.ToUpperInvariant()))}", severityNode.Value);
        }
        return new EventSubscription(type,
            Scalar(mapping, EventCatalog.ModelFilter, required: false)?.Value,
            minSeverity,
            Scalar(mapping, EventCatalog.PipelineFilter, required: false)?.Value,
            mapping);
    }

    private ManualTrigger ParseManual(YamlNode node)
    {
        if (node is YamlScalar { IsNull: true }) return ManualTrigger.AnyParameter;
        if (node is not YamlMapping mapping)
        {
            report(node, DiagnosticCodes.WrongType, $"'on.manual' is a mapping with 'params', found a {node.KindName}", null);
            return ManualTrigger.AnyParameter;
        }
        CheckKeys(mapping, ManualKeys, "'on.manual'");
        var names = new List<string>();
        var paramsNode = mapping.Get("params");
        foreach (var item in Items(paramsNode, "manual.params"))
        {
            if (item is not YamlScalar { IsNull: false } name)
                report(item, DiagnosticCodes.WrongType, "'on.manual.params' lists parameter names", null);
            else if (!declaredParameters.Contains(name.Value))
                report(name, DiagnosticCodes.UnknownReference,
                    $"'on.manual.params' names '{name.Value}', which 'params' does not declare; declared: {Join(declaredParameters)}", name.Value);
            else names.Add(name.Value);
        }
        return new ManualTrigger(names, (paramsNode ?? mapping).Location);
    }

    private YamlScalar? Scalar(YamlMapping mapping, string key, bool required)
    {
        var node = mapping.Get(key);
        if (node is null or YamlScalar { IsNull: true })
        {
            if (required) report(mapping, DiagnosticCodes.MissingKey, $"'{key}' is required here", null);
            return null;
        }
        if (node is YamlScalar scalar) return scalar;
        report(node, DiagnosticCodes.WrongType, $"'{key}' is a single value, found a {node.KindName}", null);
        return null;
    }

    private void CheckKeys(YamlMapping mapping, IReadOnlyList<string> allowed, string what)
    {
        foreach (var (key, _) in mapping.Entries)
            if (!allowed.Contains(key.Value))
                report(key, DiagnosticCodes.UnknownKey, $"unknown {what} key '{key.Value}'; allowed: {string.Join(", ", allowed)}", key.Value);
    }

    private static string Join(IEnumerable<string> names)
    {
        var list = names.ToList();
        return list.Count == 0 ? "(none)" : string.Join(", ", list);
    }
}
