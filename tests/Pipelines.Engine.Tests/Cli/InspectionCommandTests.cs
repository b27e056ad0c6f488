using Pipelines.Engine.Tests.Support;

namespace Pipelines.Engine.Tests.Cli;

/// <summary>plan, lineage and runs answer the questions a reviewer asks, from the store alone.</summary>
public sealed class InspectionCommandTests : IDisposable
{
    private readonly TestWorkspace _workspace = new();
    private readonly string _pipeline;

    public InspectionCommandTests()
    {
        _workspace.Write("data/prices.csv", "t,price\n1,10\n2,11\n3,12\n");
        _pipeline = _workspace.Write("p.yaml", """
            name: inspect
            steps:
              - id: prices
                uses: ingest/csv
                with: { path: data/prices.csv }
              - id: total
                uses: transform/sql
                with:
                  tables: { p: "${{ steps.prices.outputs.table }}" }
                  sql: SELECT sum(price) AS total FROM p
            """);
    }

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public void Plan_shows_what_would_run_then_what_is_cached()
    {
        var before = CliRun.Invoke("-C", _workspace.Root, "plan", _pipeline);
        Assert.Equal(0, before.ExitCode);
        Assert.Contains("2 to run, 0 cached", before.Output);
        Assert.False(Directory.Exists(_workspace.StoreRoot), "plan must not create a store");

        Assert.Equal(0, CliRun.Invoke("-C", _workspace.Root, "run", _pipeline).ExitCode);
        Assert.Contains("0 to run, 2 cached", CliRun.Invoke("-C", _workspace.Root, "plan", _pipeline).Output);
        Assert.Contains("2 to run, 0 cached", CliRun.Invoke("-C", _workspace.Root, "plan", _pipeline, "--force").Output);

        File.WriteAllText(Path.Combine(_workspace.Root, "data/prices.csv"), "t,price\n1,10\n2,11\n3,13\n");
        var changed = CliRun.Invoke("-C", _workspace.Root, "plan", _pipeline);
        Assert.Contains("2 to run, 0 cached", changed.Output);
    }

    [Fact]
    public void Lineage_leads_from_a_result_back_to_the_source_file()
    {
        Assert.Equal(0, CliRun.Invoke("-C", _workspace.Root, "run", _pipeline).ExitCode);
        var runs = CliRun.Invoke("-C", _workspace.Root, "runs");
        Assert.Contains("inspect", runs.Output);
        var runId = runs.FirstRunId();

        var show = CliRun.Invoke("-C", _workspace.Root, "show", runId);
        // The artifacts table: step | output | artifact | kind | format | size.
        var totalArtifact = show.Output.Split('\n').Select(l => l.Split('│', StringSplitOptions.TrimEntries))
            .First(cells => cells.Length > 4 && cells[1] == "total" && cells[2] == "table")[3];

        var lineage = CliRun.Invoke("-C", _workspace.Root, "lineage", totalArtifact);
        Assert.Equal(0, lineage.ExitCode);
        Assert.Contains("produced by step total", lineage.Output);
        Assert.Contains("source data/prices.csv", lineage.Output);
        Assert.Contains("← prices in", lineage.Output);

        var unknown = CliRun.Invoke("-C", _workspace.Root, "lineage", "ffffffffffff");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("no artifact 'ffffffffffff'", unknown.Error);
    }
}
