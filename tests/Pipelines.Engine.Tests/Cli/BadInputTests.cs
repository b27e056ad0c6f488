using System.Text;
using Pipelines.Engine.Tests.Support;

namespace Pipelines.Engine.Tests.Cli;

/// <summary>
/// Every kind of bad pipeline file is refused before anything runs: exit code 2, a message naming
/// file:line:column, and no store written.
/// </summary>
public sealed class BadInputTests : IDisposable
{
    private readonly TestWorkspace _workspace = new();

    public BadInputTests()
    {
        _workspace.Write("data/bars.csv", "t,price\n1,10.5\n2,11.0\n");
    }

    public void Dispose() => _workspace.Dispose();

    private CliRun RunPipeline(string text, params string[] extra) => RunFile(_workspace.Write("p.yaml", text), extra);

    private CliRun RunFile(string path, params string[] extra) =>
        CliRun.Invoke(["-C", _workspace.Root, "run", path, .. extra]);

    private void AssertRejected(CliRun run, string location, string fragment)
    {
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(location, run.Error);
        Assert.Contains(fragment, run.Error, StringComparison.OrdinalIgnoreCase);
        Assert.False(Directory.Exists(_workspace.StoreRoot), "a rejected pipeline must not create or touch the store");
    }

    private const string Ingest = """
        name: demo
        steps:
          - id: bars
            uses: ingest/csv
            with:
              path: data/bars.csv

        """;

    [Fact]
    public void Yaml_syntax_error_names_its_position()
    {
        var run = RunPipeline("name: demo\nsteps:\n  - id: bars\n    uses: [ingest/csv\n");
        AssertRejected(run, "p.yaml:5:1", "PL004");
    }

    [Fact]
    public void Duplicate_key_is_rejected_at_the_second_occurrence()
    {
        var run = RunPipeline("name: demo\nname: other\nsteps: []\n");
        AssertRejected(run, "p.yaml:2:1", "duplicate key 'name'");
    }

    [Fact]
    public void Unknown_step_key_is_rejected_with_the_allowed_keys()
    {
        var run = RunPipeline(Ingest.Replace("    uses: ingest/csv", "    uses: ingest/csv\n    timout: 5s"));
        AssertRejected(run, "p.yaml:5:5", "unknown step key 'timout'");
        Assert.Contains("did you mean 'timeout'", run.Error);
    }

    [Fact]
    public void A_runs_on_that_is_not_a_node_label_is_rejected_where_it_is_written()
    {
        var run = RunPipeline("name: demo\nsteps:\n  - id: bars\n    uses: ingest/csv\n    runs-on: Big GPU\n    with:\n      path: data/bars.csv\n");
        AssertRejected(run, "p.yaml:5:14", "'runs-on' names a node label");
    }

    [Fact]
    public void Unknown_step_type_suggests_the_nearest()
    {
        var run = RunPipeline(Ingest.Replace("uses: ingest/csv", "uses: ingest/cvs"));
        AssertRejected(run, "p.yaml:4:11", "unknown step type 'ingest/cvs'");
        Assert.Contains("'ingest/csv'", run.Error);
    }

    [Fact]
    public void Wrong_value_type_names_the_expected_type()
    {
        var run = RunPipeline(Ingest + "      header: maybe\n");
        AssertRejected(run, "p.yaml:7:15", "expects a boolean");
    }

    [Fact]
    public void Missing_required_input_is_named()
    {
        var run = RunPipeline("name: demo\nsteps:\n  - id: bars\n    uses: ingest/csv\n    with:\n      header: true\n");
        AssertRejected(run, "p.yaml:6:7", "required input 'path'");
    }

    [Fact]
    public void Dependency_cycle_is_named_in_full()
    {
        var run = RunPipeline("""
            name: demo
            steps:
              - id: a
                uses: transform/sql
                with: { tables: { t: "${{ steps.c.outputs.table }}" }, sql: SELECT 1 }
              - id: b
                uses: transform/sql
                with: { tables: { t: "${{ steps.a.outputs.table }}" }, sql: SELECT 1 }
              - id: c
                uses: transform/sql
                with: { tables: { t: "${{ steps.b.outputs.table }}" }, sql: SELECT 1 }
            """);
        AssertRejected(run, "p.yaml:3:9", "dependency cycle: a -> c -> b -> a");
    }

    [Fact]
    public void Reference_to_unknown_step_is_rejected_at_the_expression()
    {
        var run = RunPipeline(Ingest + """
              - id: t
                uses: transform/sql
                with:
                  tables: { x: "${{ steps.bras.outputs.table }}" }
                  sql: SELECT * FROM x
            """);
        AssertRejected(run, "p.yaml:10:25", "unknown step 'bras'");
    }

    [Fact]
    public void Reference_to_unknown_output_lists_the_outputs()
    {
        var run = RunPipeline(Ingest + """
              - id: t
                uses: transform/sql
                with:
                  tables: { x: "${{ steps.bars.outputs.tabel }}" }
                  sql: SELECT * FROM x
            """);
        AssertRejected(run, "p.yaml:10:25", "has no output 'tabel'");
        Assert.Contains("outputs: table, rows, columns", run.Error);
    }

    [Fact]
    public void Alias_expansion_bomb_is_refused()
    {
        var bomb = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for (var level = 1; level <= 9; level++)
        {
            var previous = (char)('a' + level - 1);
            var name = (char)('a' + level);
            bomb.Append($"{name}: &{name} [*{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}]\n");
        }
        var run = RunPipeline(bomb.ToString());
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("PL006", run.Error);
        Assert.Contains("alias bomb", run.Error);
        Assert.False(Directory.Exists(_workspace.StoreRoot));
    }

    [Fact]
    public void File_over_the_size_limit_is_refused_before_parsing()
    {
        var big = Ingest + "# " + new string('x', 1 << 20) + "\n";
        var run = RunPipeline(big);
        AssertRejected(run, "p.yaml:1:1", "over the limit");
    }

    [Fact]
    public void Non_utf8_file_is_refused_with_the_offending_byte()
    {
        var bytes = Encoding.UTF8.GetBytes("name: demo\ndescription: caf").Concat(new byte[] { 0xE9, 0x0A }).ToArray();
        var run = RunFile(_workspace.WriteBytes("p.yaml", bytes));
        AssertRejected(run, "p.yaml:2:17", "not valid UTF-8");
    }

    [Fact]
    public void Empty_file_is_refused()
    {
        var run = RunPipeline("# only a comment\n\n");
        AssertRejected(run, "p.yaml:1:1", "file is empty");
    }

    [Fact]
    public void Path_escaping_the_workspace_is_refused()
    {
        var run = RunPipeline(Ingest.Replace("path: data/bars.csv", "path: ../../../../../etc/passwd"));
        AssertRejected(run, "p.yaml:6:13", "leaves the workspace");
    }

    [Fact]
    public void Secret_referenced_but_not_set_is_refused()
    {
        var run = RunPipeline(Ingest.Replace("path: data/bars.csv", "path: data/bars.csv\n      delimiter: \"${{ secrets.PIPELINES_TEST_UNSET_SECRET }}\""));
        AssertRejected(run, "p.yaml:7:", "secret 'PIPELINES_TEST_UNSET_SECRET' is not set");
    }

    [Fact]
    public void Github_format_prints_workflow_annotations()
    {
        var path = _workspace.Write("p.yaml", Ingest.Replace("uses: ingest/csv", "uses: nope/none"));
        var run = CliRun.Invoke("-C", _workspace.Root, "--format", "github", "validate", path);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("::error file=p.yaml,line=4,col=11::PL020: unknown step type 'nope/none'", run.Error);
    }

    [Fact]
    public void Several_problems_are_reported_together()
    {
        var run = RunPipeline("name: demo\nsteps:\n  - id: a\n    uses: nope/one\n  - id: b\n    uses: nope/two\n");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("p.yaml:4:11", run.Error);
        Assert.Contains("p.yaml:6:11", run.Error);
    }

    [Fact]
    public void A_misspelt_LightGBM_parameter_is_refused_at_its_key_naming_the_parameter_meant()
    {
        var run = RunPipeline(Ingest + """
              - id: train
                uses: train/gbdt
                with:
                  input: ${{ steps.bars.outputs.table }}
                  target: price
                  objective: regression
                  params:
                    num_leafs: 31

            """);
        AssertRejected(run, "p.yaml:14:9", "'num_leafs' is not a LightGBM parameter; did you mean 'num_leaves'?");
        Assert.Contains("PL024", run.Error);
    }
}
