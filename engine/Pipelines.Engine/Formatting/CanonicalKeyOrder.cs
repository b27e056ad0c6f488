using Pipelines.Engine.Parsing;

namespace Pipelines.Engine.Formatting;

/// <summary>
/// The documented key order of the mappings whose keys the parser knows, by where they sit in the file
/// (keys joined by '/', '-' for a list item). Other mappings keep their author's order.
/// </summary>
internal static class CanonicalKeyOrder
{
    public static string[] For(string path) => path switch
    {
        "on" => TriggerParser.OnKeys,
        "on/schedule/-" => TriggerParser.ScheduleKeys,
        // The type says what the filters beside it mean, so it comes first.
        "on/events/-" => [TriggerParser.EventTypeKey],
        "on/manual" => TriggerParser.ManualKeys,
        _ => [],
    };
}
