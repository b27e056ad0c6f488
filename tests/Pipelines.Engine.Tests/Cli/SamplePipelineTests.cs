using Pipelines.Engine.Storage;
using Pipelines.Engine.Tests.Support;
using Pipelines.Steps.Tables;

namespace Pipelines.Engine.Tests.Cli;

/// <summary>
/// The README's sample pipeline, run as a user would, on the bundled data. The expected figures are the
/// data set's documented facts (30,240 one-minute bars from 2023-03-01 00:00 to 2023-03-21 23:59 UTC, no gaps,
/// 658 zero-volume bars), not values taken from a previous run.
/// </summary>
public sealed class SamplePipelineTests : IDisposable
{
    private readonly TestWorkspace _workspace = new();

    public SamplePipelineTests()
    {
        File.Copy(RepositoryPaths.SampleBars, Path.Combine(Directory.CreateDirectory(Path.Combine(_workspace.Root, "samples")).FullName, Path.GetFileName(RepositoryPaths.SampleBars)));
        File.Copy(Path.Combine(RepositoryPaths.Root, "pipelines", "btcusdt-bars.yaml"), _workspace.Write("pipelines/btcusdt-bars.yaml", ""), overwrite: true);
    }

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public void Runs_end_to_end_then_everything_is_cached()
    {
        var pipeline = Path.Combine(_workspace.Root, "pipelines", "btcusdt-bars.yaml");
        var first = CliRun.Invoke("-C", _workspace.Root, "run", pipeline);
        Assert.True(first.ExitCode == 0, first.Output + first.Error);
        Assert.Contains("4 succeeded", first.Output);

        string runId;
        using (var store = PipelineStore.Open(_workspace.StoreRoot, TimeSpan.FromSeconds(5)))
        {
            runId = store.ListRuns(1).Single().RunId;
            var quality = store.OutputArtifacts(runId, "quality").Single(o => o.Output == "table").Artifact;
            using var connection = ParquetTableWriter.OpenScratch();
            var row = connection.Rows(
                $"SELECT bars, duplicate_times, missing_minutes, zero_volume_bars, inconsistent_bars, strftime(first_bar AT TIME ZONE 'UTC', '%Y-%m-%d %H:%M'), strftime(last_bar AT TIME ZONE 'UTC', '%Y-%m-%d %H:%M') FROM read_parquet('{store.Artifacts.OpenVerified(quality)}')").Single();
            Assert.Equal(30_240L, Convert.ToInt64(row[0]));
            Assert.Equal(0L, Convert.ToInt64(row[1]));
            Assert.Equal(0.0, Convert.ToDouble(row[2]));
            Assert.Equal(658L, Convert.ToInt64(row[3]));
            Assert.Equal(0L, Convert.ToInt64(row[4]));
            Assert.Equal("2023-03-01 00:00", row[5]);
            Assert.Equal("2023-03-21 23:59", row[6]);

            var hourly = store.OutputArtifacts(runId, "hourly").Single(o => o.Output == "table").Artifact;
            Assert.Equal(21L * 24, connection.Scalar<long>($"SELECT count(*) FROM read_parquet('{store.Artifacts.OpenVerified(hourly)}') WHERE minutes = 60"));

            var upstream = store.Lineage(hourly.Sha256, upstream: true);
            Assert.Contains(upstream, e => store.FindArtifacts(e.ParentSha256).Single().IsSource);
        }

        var second = CliRun.Invoke("-C", _workspace.Root, "run", pipeline);
        Assert.True(second.ExitCode == 0, second.Output + second.Error);
        Assert.Contains("4 cached", second.Output);

        var show = CliRun.Invoke("-C", _workspace.Root, "show", runId);
        Assert.Equal(0, show.ExitCode);
        Assert.Contains("minute-bars", show.Output);
    }
}
