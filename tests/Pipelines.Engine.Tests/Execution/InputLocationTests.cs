using Pipelines.Engine.Execution;
using Pipelines.Engine.Parsing;

namespace Pipelines.Engine.Tests.Execution;

public sealed class InputLocationTests
{
    private const string Pipeline = """
        name: p
        steps:
          - id: capture
            uses: test/emit
            with:
              regime:
                column: regime_nxt
                value: HIGH
              require:
                - metric: accuracy
                  min: 0.45
                - { metric: f1, min: 0.5 }
          - id: bare
            uses: test/emit
        """;

    private static string Locate(string stepId, string input)
    {
        var step = PipelineParser.ParseText("p.yaml", Pipeline).Steps.Single(s => s.Id == stepId);
        return InputLocation.Find(step.With, input, step.Node.Location).ToString();
    }

    [Fact]
    public void A_nested_input_points_at_its_value() => Assert.Equal("p.yaml:7:17", Locate("capture", "regime.column"));

    [Fact]
    public void An_input_inside_a_list_points_at_that_item_s_value()
    {
        Assert.Equal("p.yaml:11:16", Locate("capture", "require[0].min"));
        Assert.Equal("p.yaml:12:30", Locate("capture", "require[1].min"));
    }

    [Fact]
    public void An_input_left_to_its_default_points_at_the_deepest_part_written() =>
        Assert.Equal("p.yaml:7:9", Locate("capture", "regime.above"));

    [Fact]
    public void A_step_without_inputs_points_at_the_step() => Assert.Equal("p.yaml:13:5", Locate("bare", "features"));
}
