using Pipelines.Engine.Tests.Support;

namespace Pipelines.Engine.Tests.Cli;

/// <summary>A worker is a node of a cluster on a PostgreSQL store; asked to be one anywhere else, it says why and writes nothing.</summary>
public sealed class WorkerCommandTests : IDisposable
{
    private readonly TestWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public void A_worker_on_the_default_DuckDB_store_is_refused_with_exit_code_2_and_no_store_written()
    {
        var run = CliRun.Invoke("-C", _workspace.Root, "worker");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("a worker needs the store in PostgreSQL", run.Error);
        Assert.False(Directory.Exists(_workspace.StoreRoot));
    }

    [Theory]
    [InlineData("--labels", "Big GPU", "--labels: 'Big GPU' is not a label")]
    [InlineData("--max-steps", "0", "--max-steps 0: a worker runs at least one step at a time")]
    [InlineData("--checkin-interval", "soon", "--checkin-interval 'soon' is not a duration")]
    public void Bad_worker_options_are_refused_naming_the_option(string option, string value, string message)
    {
        _workspace.Write("ml.yaml", "store:\n  kind: postgres\n  connection_env: PIPELINES_TEST_UNSET_PG\n");
        Environment.SetEnvironmentVariable("PIPELINES_TEST_UNSET_PG", "Host=127.0.0.1;Port=1;Database=none;Username=none;Timeout=1");
        try
        {
            var run = CliRun.Invoke("-C", _workspace.Root, "worker", option, value);

            Assert.Equal(2, run.ExitCode);
            Assert.Contains(message, run.Error);
        }
        finally
        {
            Environment.SetEnvironmentVariable("PIPELINES_TEST_UNSET_PG", null);
        }
    }
}
