using Pipelines.Engine.Formatting;
using Pipelines.Engine.Parsing;

namespace Pipelines.Engine.Tests.Formatting;

/// <summary>Triggers have one canonical layout, and a change to them is explained path by path.</summary>
public sealed class TriggerFormattingTests
{
    private const string Steps = """
        steps:
          - id: a
            uses: test/emit
            with:
              text: a

        """;

    [Fact]
    public void Fmt_puts_triggers_after_the_description_and_their_keys_in_the_documented_order()
    {
        var scrambled = """
            params:
              since: "2023-03-01"
            concurrency: forbid
            on:
              manual:
                params: [since]
              events:
                - model: toxicity
                  type: drift.detected
              schedule:
                - timezone: Europe/London
                  catch_up: latest
                  cron: 0 3 * * MON
            name: demo

            """ + Steps;
        var expected = """
            # yaml-language-server: $schema=schema.json
            name: demo
            on:
              schedule:
                - cron: 0 3 * * MON
                  timezone: Europe/London
                  catch_up: latest
              events:
                - type: drift.detected
                  model: toxicity
              manual:
                params: [since]
            concurrency: forbid
            params:
              since: 2023-03-01

            """ + Steps;
        var formatted = CanonicalYamlWriter.Format("p.yaml", scrambled, "schema.json");
        Assert.Equal(expected, formatted);
        Assert.Equal(formatted, CanonicalYamlWriter.Format("p.yaml", formatted, "schema.json"));
    }

    [Fact]
    public void Diff_names_a_changed_cron_by_its_path()
    {
        var before = "name: demo\non:\n  schedule:\n    - cron: \"0 3 * * MON\"\n" + Steps;
        var after = "name: demo\non:\n  schedule:\n    - cron: \"0 4 * * MON\"\n  events: [{ type: model.promoted }]\nconcurrency: queue\n" + Steps;
        var explanation = PipelineDiff.Explain(PipelineParser.ParseText("before.yaml", before), PipelineParser.ParseText("after.yaml", after));
        Assert.Contains("**demo**: triggers changed.", explanation);
        Assert.Contains("`schedule[0].cron` changed: `0 3 * * MON` → `0 4 * * MON`", explanation);
        Assert.Contains("`events` added", explanation);
        Assert.Contains("`concurrency` added", explanation);
    }

    [Fact]
    public void Diff_of_unchanged_triggers_says_nothing_changed()
    {
        var text = "name: demo\non:\n  schedule: [{ cron: \"0 3 * * MON\" }]\nconcurrency: forbid\n" + Steps;
        var explanation = PipelineDiff.Explain(PipelineParser.ParseText("before.yaml", text), PipelineParser.ParseText("after.yaml", text));
        Assert.Contains("no changes", explanation);
    }
}
