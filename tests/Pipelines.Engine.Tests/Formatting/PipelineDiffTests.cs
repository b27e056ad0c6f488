using Pipelines.Engine.Formatting;
using Pipelines.Engine.Parsing;
using Pipelines.Engine.Planning;

namespace Pipelines.Engine.Tests.Formatting;

public class PipelineDiffTests
{
    private static string Explain(string before, string after) =>
        PipelineDiff.Explain(PipelineParser.ParseText("before.yaml", before), PipelineParser.ParseText("after.yaml", after));

    private const string ManyChangesBefore = """
            name: demo
            params:
              symbol: BTCUSDT
              window: 10
            steps:
              - id: bars
                uses: ingest/csv
                with:
                  path: a.csv
              - id: features
                uses: transform/sql
                with:
                  tables: { bars: "${{ steps.bars.outputs.table }}" }
                  sql: SELECT * FROM bars WHERE symbol = '${{ params.symbol }}'
              - id: report
                uses: transform/sql
                timeout: 5m
                with:
                  tables: { f: "${{ steps.features.outputs.table }}" }
                  sql: SELECT count(*) FROM f
              - id: other
                uses: ingest/csv
                with:
                  path: b.csv
              - id: old
                uses: ingest/csv
                with: { path: c.csv }
            """;

    private const string ManyChangesAfter = """
            name: demo
            params:
              symbol: ETHUSDT
              limit: 5
            steps:
              - id: bars
                uses: ingest/csv
                with: { path: "a.csv" } # restyled, same value
              - id: features
                uses: transform/sql
                with:
                  tables: { bars: "${{ steps.bars.outputs.table }}" }
                  sql: SELECT * FROM bars WHERE symbol = '${{ params.symbol }}'
              - id: report
                uses: transform/sql
                timeout: 10m
                with:
                  tables: { f: "${{ steps.features.outputs.table }}" }
                  sql: SELECT count(*) FROM f
              - id: more
                uses: ingest/csv
                with:
                  path: b.csv
              - id: fresh
                uses: ingest/csv
                needs: [bars]
                with: { path: d.csv }
            """;

    [Fact]
    public void ExplainsParametersAddedRemovedRenamedStepsAndWhatReruns()
    {
        var expected = """
            **demo**: 1 step added, 1 step removed, 1 step renamed, 1 step changed, 1 parameter added, 1 parameter removed, 1 parameter changed.

            ### Parameters

            - `symbol` changed: `BTCUSDT` → `ETHUSDT`
            - `limit` added: `5`
            - `window` removed (was `10`)

            ### Steps

            - `fresh` added (`ingest/csv`)
            - `old` removed (was `ingest/csv`)
            - `other` renamed to `more` (same `uses` and `with`)

            #### `report` (`transform/sql`)

            - `timeout`: `5m` → `10m`

            ### Effect on the next run

            - Run for the first time: `fresh`
            - Rerun because their inputs changed: `features` (parameter `symbol` changed)
            - Rerun because an upstream step reruns (reused if its output is unchanged): `report` (after `features`)
            - Reused from the cache: `bars`, `more` (renamed from `other`)
            - No longer run: `old`

            """;
        Assert.Equal(expected, Explain(ManyChangesBefore, ManyChangesAfter));
    }

    [Fact]
    public void CompiledDependenciesGiveTheSameExplanation()
    {
        var workspace = Directory.CreateTempSubdirectory("pipelines-diff-").FullName;
        try
        {
            foreach (var file in new[] { "a.csv", "b.csv", "d.csv" }) File.WriteAllText(Path.Combine(workspace, file), "x\n1\n");
            var before = PipelineParser.ParseText("before.yaml", ManyChangesBefore);
            var after = PipelineParser.ParseText("after.yaml", ManyChangesAfter);
            var compiled = PipelineCompiler.Compile(after, Schema.TestCatalog.Create(), workspace, environment: _ => null);
            Assert.Equal(PipelineDiff.Explain(before, after), PipelineDiff.Explain(before, after, compiled));
        }
        finally
        {
            Directory.Delete(workspace, recursive: true);
        }
    }

    [Fact]
    public void ARenamedStepWithOtherChangesListsThemUnderItsNewName()
    {
        var before = "name: demo\nsteps:\n  - id: a\n    uses: ingest/csv\n    with: { path: a.csv }\n";
        var after = "name: demo\nsteps:\n  - id: b\n    uses: ingest/csv\n    timeout: 1m\n    with: { path: a.csv }\n";
        var expected = """
            **demo**: 1 step renamed.

            ### Steps

            - `a` renamed to `b` (same `uses` and `with`)

            #### `b` (`ingest/csv`, was `a`)

            - `timeout`: none → `1m`

            ### Effect on the next run

            - Reused from the cache: `b` (renamed from `a`)

            """;
        Assert.Equal(expected, Explain(before, after));
    }

    [Fact]
    public void ExplainsInputsSettingsAndMultiLineSqlAsALineDiff()
    {
        var before = """
            name: demo
            steps:
              - id: a
                uses: ingest/csv
                with: { path: a.csv, header: true }
              - id: b
                uses: transform/sql
                with:
                  tables: { a: "${{ steps.a.outputs.table }}" }
                  sql: |
                    SELECT *
                    FROM a
                    WHERE x > 1
              - id: c
                uses: transform/sql
                needs: a
                with:
                  tables: { b: "${{ steps.b.outputs.table }}" }
                  sql: SELECT 1
            """;
        var after = """
            name: demo2
            description: Now described
            steps:
              - id: a
                uses: ingest/csv
                with: { path: a.csv, delimiter: ";" }
              - id: b
                uses: transform/sql
                with:
                  tables: { a: "${{ steps.a.outputs.table }}" }
                  sql: |
                    SELECT *
                    FROM a
                    WHERE x > 2
                    ORDER BY t
              - id: c
                uses: transform/sql
                needs: [a, b]
                if: ${{ steps.b.outputs.rows }}
                retry: 3
                continue-on-error: true
                with:
                  tables: { b: "${{ steps.b.outputs.table }}" }
                  sql: SELECT 1
            """;
        var expected = """
            **demo2**: name changed, description changed, 3 steps changed.

            ### Pipeline

            - name: `demo` → `demo2`
            - description: none → `Now described`

            #### `a` (`ingest/csv`)

            - input `delimiter` added: `;`
            - input `header` removed (was `true`)

            #### `b` (`transform/sql`)

            - input `sql` changed:
              ```diff
               SELECT *
               FROM a
              -WHERE x > 1
              +WHERE x > 2
              +ORDER BY t
              ```

            #### `c` (`transform/sql`)

            - `needs`: `[a]` → `[a, b]`
            - `if`: none → `${{ steps.b.outputs.rows }}`
            - `retry`: none → `3`
            - `continue-on-error`: `false` → `true`

            ### Effect on the next run

            - Rerun because their inputs changed: `a` (`with` changed), `b` (`with` changed)
            - Rerun because an upstream step reruns (reused if its output is unchanged): `c` (after `a`, `b`)

            """;
        Assert.Equal(expected, Explain(before, after));
    }

    [Fact]
    public void AReferenceToARenamedStepIsShownButDoesNotForceARerun()
    {
        var before = """
            name: demo
            steps:
              - id: a
                uses: ingest/csv
                with: { path: a.csv }
              - id: b
                uses: transform/sql
                with: { tables: { a: "${{ steps.a.outputs.table }}" }, sql: SELECT 1 }
            """;
        var after = """
            name: demo
            steps:
              - id: src
                uses: ingest/csv
                with: { path: a.csv }
              - id: b
                uses: transform/sql
                with: { tables: { a: "${{ steps.src.outputs.table }}" }, sql: SELECT 1 }
            """;
        var expected = """
            **demo**: 1 step renamed, 1 step changed.

            ### Steps

            - `a` renamed to `src` (same `uses` and `with`)

            #### `b` (`transform/sql`)

            - input `tables.a` changed: `${{ steps.a.outputs.table }}` → `${{ steps.src.outputs.table }}`

            ### Effect on the next run

            - Reused from the cache: `src` (renamed from `a`), `b`

            """;
        Assert.Equal(expected, Explain(before, after));
    }

    [Fact]
    public void ReformattingAloneIsNoChange()
    {
        var before = "name: demo\nsteps:\n  - id: a\n    uses: ingest/csv\n    with: { path: \"a.csv\", header: true }\n";
        var after = CanonicalYamlWriter.Write(PipelineParser.ParseText("before.yaml", before), "pipeline.schema.json");
        Assert.NotEqual(before, after);
        Assert.Equal("**demo**: no changes.\n", Explain(before, after));
    }

    [Fact]
    public void TypeChangesAreChangesAndBackticksInValuesStayInsideTheCode()
    {
        var before = "name: demo\nparams:\n  n: 5\n  q: a\nsteps:\n  - id: a\n    uses: ingest/csv\n";
        var after = "name: demo\nparams:\n  n: '5'\n  q: a`b\nsteps:\n  - id: a\n    uses: ingest/csv\n";
        var explained = Explain(before, after);
        Assert.Contains("- `n` changed: `5` → `'5'`\n", explained);
        // CommonMark: a longer backtick fence, and one space each side that the renderer strips.
        Assert.Contains("- `q` changed: `a` → `` a`b ``\n", explained);
    }

    [Fact]
    public void LineDiffKeepsCommonLinesAndMarksTheRest()
    {
        // Longest common subsequence of "a b c d" and "a c e d" is "a c d": b removed, e added.
        Assert.Equal([" a", "-b", " c", "+e", " d"], LineDiff.Unified("a\nb\nc\nd\n", "a\nc\ne\nd\n"));
        Assert.Equal(["+x"], LineDiff.Unified("", "x"));
    }

    [Fact]
    public void ReorderedOrEmptiedInputsAreNoChangeButReorderedMapEntriesAre()
    {
        var before = "name: demo\nsteps:\n  - id: a\n    uses: ingest/csv\n    with: { path: a.csv, header: true, types: { x: INT, y: INT } }\n  - id: b\n    uses: ingest/csv\n";
        var reordered = "name: demo\nsteps:\n  - id: a\n    uses: ingest/csv\n    with: { header: true, path: a.csv, types: { x: INT, y: INT } }\n  - id: b\n    uses: ingest/csv\n    with: {}\n";
        Assert.Equal("**demo**: no changes.\n", Explain(before, reordered));

        // A map input keeps its order into the step (and its cache key), so reordering its entries is a change.
        var mapReordered = "name: demo\nsteps:\n  - id: a\n    uses: ingest/csv\n    with: { path: a.csv, header: true, types: { y: INT, x: INT } }\n  - id: b\n    uses: ingest/csv\n";
        Assert.Contains("- Rerun because their inputs changed: `a` (`with` changed)\n", Explain(before, mapReordered));
    }
}
