using Pipelines.Engine.Formatting;
using Pipelines.Engine.Parsing;

namespace Pipelines.Engine.Tests.Formatting;

/// <summary>A change deep inside an input or parameter is explained at its path, one line per change.</summary>
public class PipelineDiffNestedChangeTests
{
    private const string Training = """
        name: demo
        steps:
          - id: train
            uses: train/gbdt
            with:
              input: a.csv
              target: regime_next
              params:
                num_iterations: 200
                num_leaves: 31
                learning_rate: 0.05
                seed: 1
          - id: gate
            uses: validate/gate
            with:
              metrics: ${{ steps.train.outputs.metrics }}
              require:
                - { metric: auc, min: 0.45 }
                - { metric: sharpe, min: 1.5 }
        """;

    private static string Explain(string before, string after) =>
        PipelineDiff.Explain(PipelineParser.ParseText("before.yaml", before), PipelineParser.ParseText("after.yaml", after));

    /// <summary>The lines listed under one step's heading.</summary>
    private static List<string> StepLines(string before, string after, string stepId)
    {
        var lines = Explain(before, after).Split('\n');
        var heading = Array.FindIndex(lines, l => l.StartsWith($"#### `{stepId}` ", StringComparison.Ordinal));
        Assert.True(heading >= 0, $"no section for step {stepId}");
        return lines.Skip(heading + 2).TakeWhile(l => l.Length > 0).ToList();
    }

    private static string Changed(string text, string from, string to)
    {
        Assert.Contains(from, text);
        return text.Replace(from, to);
    }

    [Fact]
    public void A_changed_value_inside_a_map_or_a_list_item_is_shown_at_its_path()
    {
        var after = Changed(Changed(Training, "num_leaves: 31", "num_leaves: 63"), "min: 0.45", "min: 0.5");
        var expected = """
            **demo**: 2 steps changed.

            #### `train` (`train/gbdt`)

            - input `params.num_leaves` changed: `31` → `63`

            #### `gate` (`validate/gate`)

            - input `require[0].min` changed: `0.45` → `0.5`

            ### Effect on the next run

            - Rerun because their inputs changed: `train` (`with` changed), `gate` (`with` changed)

            """;
        Assert.Equal(expected, Explain(Training, after));
    }

    [Fact]
    public void Several_changes_in_one_input_give_one_line_each_in_the_new_order_then_the_removed_keys()
    {
        var after = Changed(Changed(Changed(Training,
            "num_leaves: 31", "num_leaves: 63\n        max_depth: 8"),
            "learning_rate: 0.05", "learning_rate: 0.1"),
            "\n        seed: 1", "");
        Assert.Equal(
            [
                "- input `params.num_leaves` changed: `31` → `63`",
                "- input `params.max_depth` added: `8`",
                "- input `params.learning_rate` changed: `0.05` → `0.1`",
                "- input `params.seed` removed (was `1`)",
            ],
            StepLines(Training, after, "train"));
    }

    [Fact]
    public void Items_added_or_removed_at_the_end_of_a_list_are_named_by_their_index()
    {
        var added = Changed(Training, "{ metric: sharpe, min: 1.5 }", "{ metric: sharpe, min: 1.5 }\n        - { metric: max_drawdown, max: 0.12 }");
        Assert.Equal(["- input `require[2]` added: `{ metric: max_drawdown, max: 0.12 }`"], StepLines(Training, added, "gate"));

        var removed = Changed(Training, "\n        - { metric: sharpe, min: 1.5 }", "");
        Assert.Equal(["- input `require[1]` removed (was `{ metric: sharpe, min: 1.5 }`)"], StepLines(Training, removed, "gate"));
    }

    [Fact]
    public void Items_are_compared_at_the_same_index_so_an_item_put_first_changes_every_later_one()
    {
        var after = Changed(Training, "- { metric: auc, min: 0.45 }", "- { metric: r2, min: 0.1 }\n        - { metric: auc, min: 0.45 }");
        Assert.Equal(
            [
                "- input `require[0].metric` changed: `auc` → `r2`",
                "- input `require[0].min` changed: `0.45` → `0.1`",
                "- input `require[1].metric` changed: `sharpe` → `auc`",
                "- input `require[1].min` changed: `1.5` → `0.45`",
                "- input `require[2]` added: `{ metric: sharpe, min: 1.5 }`",
            ],
            StepLines(Training, after, "gate"));
    }

    [Fact]
    public void A_value_that_turns_from_text_into_a_map_or_list_or_back_is_shown_whole_at_its_path()
    {
        var toList = Changed(Training, "seed: 1", "seed: [1, 2]");
        Assert.Equal(["- input `params.seed` changed: `1` → `[1, 2]`"], StepLines(Training, toList, "train"));

        var toText = Changed(Training, "require:\n        - { metric: auc, min: 0.45 }\n        - { metric: sharpe, min: 1.5 }",
            "require: ${{ params.requirements }}");
        Assert.Equal(["- input `require` changed: `[{ metric: auc, min: 0.45 }, { metric: sharpe, min: 1.5 }]` → `${{ params.requirements }}`"],
            StepLines(Training, toText, "gate"));
    }

    [Fact]
    public void Keys_moved_inside_a_map_show_the_map_whole_because_their_order_reaches_the_step()
    {
        var after = Changed(Training, "num_iterations: 200\n        num_leaves: 31", "num_leaves: 31\n        num_iterations: 200");
        Assert.Equal(
            ["- input `params` changed: `{ num_iterations: 200, num_leaves: 31, learning_rate: 0.05, seed: 1 }` → `{ num_leaves: 31, num_iterations: 200, learning_rate: 0.05, seed: 1 }`"],
            StepLines(Training, after, "train"));
    }

    [Fact]
    public void Multi_line_text_inside_a_map_is_shown_as_a_line_diff_at_its_path()
    {
        var before = """
            name: demo
            steps:
              - id: report
                uses: transform/sql
                with:
                  queries:
                    daily: |
                      SELECT day, count(*)
                      FROM trades
                      GROUP BY day
            """;
        var after = Changed(before, "GROUP BY day", "WHERE qty > 0\n          GROUP BY day");
        Assert.Equal(
            [
                "- input `queries.daily` changed:",
                "  ```diff",
                "   SELECT day, count(*)",
                "   FROM trades",
                "  +WHERE qty > 0",
                "   GROUP BY day",
                "  ```",
            ],
            StepLines(before, after, "report"));
    }

    [Fact]
    public void A_key_that_would_make_the_path_ambiguous_is_quoted_in_it()
    {
        var before = "name: demo\nsteps:\n  - id: a\n    uses: transform/sql\n    with: { tables: { 'bars.1m': x, 'spread x': y } }\n";
        var after = "name: demo\nsteps:\n  - id: a\n    uses: transform/sql\n    with: { tables: { 'bars.1m': z, 'spread x': w } }\n";
        Assert.Equal(
            ["- input `tables['bars.1m']` changed: `x` → `z`", "- input `tables['spread x']` changed: `y` → `w`"],
            StepLines(before, after, "a"));
    }

    [Fact]
    public void A_change_inside_a_pipeline_parameter_is_shown_at_its_path_and_counts_as_one_changed_parameter()
    {
        var before = "name: demo\nparams:\n  risk: { max_position: 1, stop_bps: 20, venues: [binance] }\nsteps:\n  - id: a\n    uses: ingest/csv\n";
        var after = "name: demo\nparams:\n  risk: { max_position: 2, stop_bps: 20, venues: [binance, okx] }\nsteps:\n  - id: a\n    uses: ingest/csv\n";
        var expected = """
            **demo**: 1 parameter changed.

            ### Parameters

            - `risk.max_position` changed: `1` → `2`
            - `risk.venues[1]` added: `okx`

            ### Effect on the next run

            - Reused from the cache: `a`

            """;
        Assert.Equal(expected, Explain(before, after));
    }
}
