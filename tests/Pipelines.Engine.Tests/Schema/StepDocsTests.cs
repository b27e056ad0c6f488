using Pipelines.Engine.Documentation;
using Pipelines.Engine.Parsing;

namespace Pipelines.Engine.Tests.Schema;

public class StepDocsTests
{
    private static readonly string Docs = StepDocs.Markdown(TestCatalog.Create());

    private static string Section(string typeName)
    {
        var start = Docs.IndexOf($"\n## `{typeName}`\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no section for {typeName}");
        var end = Docs.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        return end < 0 ? Docs[start..] : Docs[start..end];
    }

    [Fact]
    public void IndexesAndDocumentsEveryStepAndEveryInputAndOutput()
    {
        foreach (var step in TestCatalog.Create().All)
        {
            Assert.Contains($"| {step.Category} | [`{step.TypeName}`](#{step.TypeName.Replace("/", "")}) | {step.DisplayName} |", Docs);
            var section = Section(step.TypeName);
            Assert.Contains($"**{step.DisplayName}** · category {step.Category} · version {step.Version}", section);
            foreach (var input in step.Inputs) Assert.Contains($"| `{input.Name}` | ", section);
            foreach (var output in step.Outputs) Assert.Contains($"| `{output.Name}` | ", section);
        }
        Assert.Equal(Docs, StepDocs.Markdown(TestCatalog.Create()));
    }

    [Fact]
    public void MarksRequiredInputsAndShowsDefaultsAsYamlWouldWriteThem()
    {
        var kinds = Section("test/kinds");
        Assert.Contains("| `table` | `artifact` | **required** | Upstream table. | `${{ steps.bars.outputs.table }}` |", kinds);
        Assert.Contains("| `count` | `integer` | **required** |", kinds);
        Assert.Contains("| `wait` | `duration` | default `1h30m` |", kinds);
        Assert.Contains("| `side` | `long_only \\| short_only \\| both` | default `long_only` |", kinds);
        Assert.Contains("| `weights` | `map<number>` | optional |", kinds);
        Assert.Contains("| `limits` | `object` | default `{ min: 1, max: 10 }` |", kinds);
        var csv = Section("ingest/csv");
        Assert.Contains("| `path` | `path` | **required** |", csv);
        Assert.Contains("| `delimiter` | `string` | default `','` |", csv);
    }

    [Fact]
    public void EveryUsageExampleIsAValidStepWithAllRequiredInputs()
    {
        foreach (var step in TestCatalog.Create().All)
        {
            var section = Section(step.TypeName);
            var start = section.IndexOf("```yaml\n", StringComparison.Ordinal) + "```yaml\n".Length;
            var example = section[start..section.IndexOf("```\n", start, StringComparison.Ordinal)];
            var pipeline = "name: example\nsteps:\n" + string.Concat(example.Split('\n').Select(l => l.Length == 0 ? "\n" : "  " + l + "\n"));
            var parsed = Assert.Single(PipelineParser.ParseText("example.yaml", pipeline).Steps);
            Assert.Equal(step.TypeName, parsed.Uses);
            var given = parsed.With?.Entries.Select(e => e.Key.Value).ToArray() ?? [];
            Assert.Equal(step.Inputs.Where(i => i.IsRequired).Select(i => i.Name), given);
        }
    }

    [Fact]
    public void DescribeListsInputsWithRequiredOrDefaultOutputsAndAnExample()
    {
        foreach (var step in TestCatalog.Create().All)
        {
            var text = StepDocs.Describe(step);
            Assert.StartsWith($"{step.TypeName} - {step.DisplayName} (category {step.Category}, version {step.Version})\n", text);
            var lines = text.Split('\n');
            foreach (var input in step.Inputs)
            {
                var line = Assert.Single(lines, l => l.StartsWith($"  {input.Name} ", StringComparison.Ordinal) && l.Contains(input.Description));
                Assert.Contains(input.IsRequired ? " required " : input.DefaultValue is null ? " optional " : " default ", line);
            }
            foreach (var output in step.Outputs) Assert.Contains(lines, l => l.StartsWith($"  {output.Name} ", StringComparison.Ordinal) && l.EndsWith(output.Description));
            Assert.Contains($"\nExample:\n  - id: ", text);
            Assert.All(lines, l => Assert.False(l.EndsWith(' '), $"trailing space in '{l}'"));
        }
        Assert.Contains("  wait      duration                       default 1h30m", StepDocs.Describe(TestCatalog.Create().Find("test/kinds")!));
    }
}
