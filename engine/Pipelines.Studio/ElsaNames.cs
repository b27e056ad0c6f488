using System.Text;
using Pipelines.Engine.Catalog;

namespace Pipelines.Studio;

/// <summary>
/// How pipeline names appear in Elsa: step types become dotted activity type names (<c>transform/sql</c> ->
/// <c>Pipelines.Transform.Sql</c>), snake_case inputs become PascalCase descriptor names whose camelCase form
/// is the activity's JSON key, and value kinds become Elsa's type aliases.
/// </summary>
public static class ElsaNames
{
    public const string FlowchartType = "Elsa.Flowchart";
    public const string StartType = "Elsa.Start";
    public const string EndType = "Elsa.End";

    /// <summary>Elsa's schedule trigger; an exported <c>on.schedule</c> entry, shown but never read back.</summary>
    public const string CronType = "Elsa.Cron";
    public const string ActivityTypePrefix = "Pipelines.";

    public static string ActivityType(string stepType)
    {
        var segments = stepType.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Pascal);
        return ActivityTypePrefix + string.Join('.', segments);
    }

    /// <summary><c>periods_per_year</c> -> <c>PeriodsPerYear</c>; also splits on '-'.</summary>
    public static string Pascal(string name)
    {
        var builder = new StringBuilder(name.Length);
        var upper = true;
        foreach (var c in name)
        {
            if (c is '_' or '-' or ' ') { upper = true; continue; }
            builder.Append(upper ? char.ToUpperInvariant(c) : c);
            upper = false;
        }
        return builder.ToString();
    }

    public static string Camel(string pascal) => pascal.Length == 0 ? pascal : char.ToLowerInvariant(pascal[0]) + pascal[1..];

    private static readonly HashSet<string> ActivityFields = new(StringComparer.OrdinalIgnoreCase) { "Id", "NodeId", "Name", "Type", "Version", "CustomProperties", "Metadata" };

    /// <summary>
    /// The descriptor name of a step input. An input that shares its name with a field every Elsa activity has
    /// (a registry step's <c>name</c>) would be overwritten by that field, so it gets an <c>Input</c> suffix.
    /// </summary>
    public static string InputProperty(string pascal) => ActivityFields.Contains(pascal) ? pascal + "Input" : pascal;

    /// <summary>The JSON key of a <c>with:</c> entry on an activity, as Studio derives it from the descriptor.</summary>
    public static string InputKey(string snakeName) => Camel(InputProperty(Pascal(snakeName)));

    /// <summary><c>periods_per_year</c> -> <c>Periods per year</c>, for labels in the property panel.</summary>
    public static string Label(string snakeName)
    {
        var text = snakeName.Replace('_', ' ').Replace('-', ' ');
        return text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
    }

    /// <summary>Elsa's type alias for a value kind; structured values travel as JSON text in an Object input.</summary>
    public static string TypeAlias(ValueKind kind) => kind switch
    {
        ValueKind.Integer => "Int64",
        ValueKind.Number => "Double",
        ValueKind.Boolean => "Boolean",
        ValueKind.List or ValueKind.Map or ValueKind.Object or ValueKind.Artifact => "Object",
        _ => "String",
    };

    public static bool IsStructured(ValueKind kind) => kind is ValueKind.List or ValueKind.Map or ValueKind.Object;
}
