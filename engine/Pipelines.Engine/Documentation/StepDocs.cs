using System.Text;
using Pipelines.Engine.Catalog;

namespace Pipelines.Engine.Documentation;

/// <summary>
/// Documentation of the step catalogue, generated from the step types themselves: <c>docs/steps.md</c> (followed by the
/// event catalogue, <see cref="EventDocs"/>) and the
/// terminal text of <c>pipelines describe TYPE</c>. Deterministic, so the checked-in file only changes with a step.
/// </summary>
public static class StepDocs
{
    public static string Markdown(StepCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var steps = catalog.All.ToList();
        var builder = new StringBuilder();
        builder.Append("# Step catalogue\n\n");
        builder.Append("Generated from the step types' declarations by `pipelines docs`; edit the step classes, not this file.\n\n");
        builder.Append("| Category | Step | Name | Description |\n|---|---|---|---|\n");
        foreach (var step in steps.OrderBy(s => s.Category, StringComparer.Ordinal).ThenBy(s => s.TypeName, StringComparer.Ordinal))
            builder.Append("| ").Append(MarkdownText.Cell(MarkdownText.Text(step.Category)))
                .Append(" | [").Append(MarkdownText.Code(step.TypeName)).Append("](#").Append(Anchor(step.TypeName)).Append(')')
                .Append(" | ").Append(MarkdownText.Cell(MarkdownText.Text(step.DisplayName)))
                .Append(" | ").Append(MarkdownText.Cell(MarkdownText.Text(step.Description))).Append(" |\n");

        foreach (var step in steps)
        {
            builder.Append("\n## ").Append(MarkdownText.Code(step.TypeName)).Append("\n\n");
            builder.Append("**").Append(MarkdownText.Text(step.DisplayName)).Append("** · category ").Append(MarkdownText.Text(step.Category))
                .Append(" · version ").Append(step.Version).Append("\n\n");
            if (step.Description.Length > 0) builder.Append(MarkdownText.Text(step.Description)).Append("\n\n");

            builder.Append("### Inputs\n\n");
            if (step.Inputs.Count == 0) builder.Append("None.\n\n");
            else
            {
                builder.Append("| Input | Type | Required / default | Description | Example |\n|---|---|---|---|---|\n");
                foreach (var input in step.Inputs)
                    builder.Append("| ").Append(MarkdownText.Code(input.Name))
                        .Append(" | ").Append(MarkdownText.Cell(MarkdownText.Code(input.Type.DisplayName)))
                        .Append(" | ").Append(input.IsRequired ? "**required**" : MarkdownText.Cell(DefaultText(input, MarkdownText.Code)))
                        .Append(" | ").Append(MarkdownText.Cell(MarkdownText.Text(input.Description)))
                        .Append(" | ").Append(input.Example is null ? "" : MarkdownText.Cell(MarkdownText.Code(input.Example)))
                        .Append(" |\n");
                builder.Append('\n');
            }

            builder.Append("### Outputs\n\n");
            if (step.Outputs.Count == 0) builder.Append("None.\n\n");
            else
            {
                builder.Append("| Output | Type | Description |\n|---|---|---|\n");
                foreach (var output in step.Outputs)
                    builder.Append("| ").Append(MarkdownText.Code(output.Name))
                        .Append(" | ").Append(MarkdownText.Cell(MarkdownText.Code(output.Type.DisplayName)))
                        .Append(" | ").Append(MarkdownText.Cell(MarkdownText.Text(output.Description))).Append(" |\n");
                builder.Append('\n');
            }

            var example = StepExample.Yaml(step);
            var fence = MarkdownText.Fence(example.Split('\n'));
            builder.Append("### Example\n\n").Append(fence).Append("yaml\n").Append(example).Append(fence).Append('\n');
        }
        // What steps publish is documented beside them, from the same catalogue that validates subscriptions.
        builder.Append(EventDocs.Markdown());
        return builder.ToString();
    }

    /// <summary>Plain text for a terminal: what the step does, its inputs and outputs, and an example.</summary>
    public static string Describe(StepDescriptor step)
    {
        ArgumentNullException.ThrowIfNull(step);
        var builder = new StringBuilder();
        builder.Append(step.TypeName).Append(" - ").Append(step.DisplayName)
            .Append(" (category ").Append(step.Category).Append(", version ").Append(step.Version).Append(")\n");
        if (step.Description.Length > 0) builder.Append('\n').Append(step.Description).Append('\n');

        builder.Append("\nInputs:\n");
        if (step.Inputs.Count == 0) builder.Append("  none\n");
        else
        {
            var rows = step.Inputs.Select(i => (i.Name, Type: i.Type.DisplayName, Need: i.IsRequired ? "required" : DefaultText(i, text => text), i.Description, i.Example)).ToList();
            var nameWidth = rows.Max(r => r.Name.Length);
            var typeWidth = rows.Max(r => r.Type.Length);
            var needWidth = rows.Max(r => r.Need.Length);
            var descriptionColumn = 2 + nameWidth + 2 + typeWidth + 2 + needWidth + 2;
            foreach (var row in rows)
            {
                builder.Append("  ").Append(row.Name.PadRight(nameWidth))
                    .Append("  ").Append(row.Type.PadRight(typeWidth))
                    .Append("  ").Append(row.Need.PadRight(needWidth))
                    .Append("  ").Append(row.Description).Append('\n');
                if (row.Example is not null) builder.Append(new string(' ', descriptionColumn)).Append("example: ").Append(row.Example).Append('\n');
            }
        }

        builder.Append("\nOutputs:\n");
        if (step.Outputs.Count == 0) builder.Append("  none\n");
        else
        {
            var nameWidth = step.Outputs.Max(o => o.Name.Length);
            var typeWidth = step.Outputs.Max(o => o.Type.DisplayName.Length);
            foreach (var output in step.Outputs)
                builder.Append("  ").Append(output.Name.PadRight(nameWidth))
                    .Append("  ").Append(output.Type.DisplayName.PadRight(typeWidth))
                    .Append("  ").Append(output.Description).Append('\n');
        }

        builder.Append("\nExample:\n");
        foreach (var line in StepExample.Yaml(step).TrimEnd('\n').Split('\n'))
            builder.Append(line.Length == 0 ? "" : "  " + line).Append('\n');
        return builder.ToString();
    }

    private static string DefaultText(PropertyDescriptor input, Func<string, string> code) =>
        input.DefaultValue is null ? "optional" : "default " + code(ValueText.Format(input.DefaultValue, input.Type));

    /// <summary>The anchor GitHub gives a heading: lower case, punctuation other than '-' and '_' dropped.</summary>
    private static string Anchor(string heading) =>
        new(heading.ToLowerInvariant().Where(c => char.IsLetterOrDigit(c) || c is '-' or '_' or ' ').Select(c => c == ' ' ? '-' : c).ToArray());
}
