using System.Text;
using Pipelines.Abstractions;
using Pipelines.Engine.Triggers;

namespace Pipelines.Engine.Documentation;

/// <summary>
/// The event catalogue as documentation, generated from <see cref="EventCatalog"/> beside the step catalogue: which
/// types exist, who publishes them, what an <c>on.events</c> subscription may filter on and what a run reads of one.
/// </summary>
public static class EventDocs
{
    public static string Markdown()
    {
        var builder = new StringBuilder();
        builder.Append("\n# Events\n\n");
        builder.Append("Published by the engine and its steps, stored in the workspace's store in the same commit as the work they report, ")
            .Append("listed by `pipelines events` and shaped as CloudEvents 1.0 (`pipelines events --json`). `id`, `type`, `time`, `pipeline`, ")
            .Append("`run_id`, `model` and `feature` are the event's own attributes; the other fields are its payload (JSON data). ")
            .Append("A run started by an event reads any field as `${{ trigger.event.NAME }}`. ")
            .Append("A pipeline publishes its own types with `events/publish`; their names start with `")
            .Append(EventTypeName.PipelinePrefix).Append("` (e.g. `").Append(EventTypeName.PipelineExample)
            .Append("`), may be filtered by `model` and `pipeline`, and carry the payload keys the step writes.\n\n");
        builder.Append("| Type | Published by | Filters | Fields |\n|---|---|---|---|\n");
        foreach (var type in EventCatalog.Types)
            builder.Append("| ").Append(MarkdownText.Code(type.Name))
                .Append(" | ").Append(MarkdownText.Cell(MarkdownText.Text(type.PublishedBy)))
                .Append(" | ").Append(MarkdownText.Cell(string.Join(", ", type.Filters.Select(MarkdownText.Code))))
                .Append(" | ").Append(MarkdownText.Cell(string.Join(", ", type.Fields.Select(MarkdownText.Code)))).Append(" |\n");
        var custom = EventCatalog.PipelineType(EventTypeName.PipelineExample);
        builder.Append("| ").Append(MarkdownText.Code(EventTypeName.PipelinePrefix + "…"))
            .Append(" | ").Append(MarkdownText.Cell(MarkdownText.Text(custom.PublishedBy)))
            .Append(" | ").Append(MarkdownText.Cell(string.Join(", ", custom.Filters.Select(MarkdownText.Code))))
            .Append(" | ").Append(MarkdownText.Cell(string.Join(", ", custom.Fields.Select(MarkdownText.Code)) + ", and the payload's keys")).Append(" |\n");
        return builder.ToString();
    }
}
