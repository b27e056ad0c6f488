using Pipelines.Cluster.Tests.Support;

namespace Pipelines.Cluster.Tests;

/// <summary>
/// Where cluster steps run: a step with <c>runs-on:</c> only on a node with that label, and it waits (saying so in
/// <c>pipelines show</c>) while no live node has it; a worker told to stop (SIGTERM) finishes its running step first.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ClusterRoutingTests(PostgresServer server)
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task A_step_that_runs_on_a_label_waits_for_a_node_with_it_and_runs_only_there()
    {
        using var workspace = new PostgresWorkspace(await server.CreateDatabaseAsync("labels"));
        workspace.Write("pipelines/labelled.yaml", """
            name: labelled
            steps:
              - id: prepare
                uses: bench/sleep
                with: { tag: prepare, seconds: 0.5 }
              - id: train
                uses: bench/sleep
                runs-on: train
                with: { tag: train, seconds: 0.5, after: ["${{ steps.prepare.outputs.marker }}"] }
              - id: render
                uses: bench/sleep
                runs-on: gpu
                with: { tag: render, after: ["${{ steps.prepare.outputs.marker }}"] }
            """);
        await using var cluster = new TestCluster(workspace);
        await cluster.StartAsync(workers: 2, workerLabels: [["train"]]);
        var trainer = cluster.Workers[0];
        var run = await cluster.StartRunAsync("labelled", new Dictionary<string, object>());

        await WaitUntil(cluster, async () => await cluster.ScalarAsync("SELECT count(*) FROM step_dispatch WHERE run_id = $1 AND step_id = 'train' AND completed_at IS NOT NULL", run) == 1);
        var show = await workspace.RunAsync(Bound, "show", run);
        Assert.True(show.ExitCode == 0, show.All);
        Assert.Contains("needs a node with label 'gpu', and no live node has it", show.Output);
        Assert.Equal("running", await cluster.ValueAsync("SELECT status FROM runs WHERE run_id = $1", run));
        Assert.Equal(trainer.InstanceId, await cluster.ValueAsync("SELECT node FROM step_runs WHERE run_id = $1 AND step_id = 'train'", run));

        var renderer = ClusterProcess.Start(workspace, "worker-gpu", ["worker", "--labels", "gpu", "--max-steps", "1", .. TestCluster.ShortCheckins]);
        cluster.Workers.Add(renderer);
        await renderer.WaitUntilJoinedAsync(TestCluster.JoinBound);
        await cluster.WaitUntilEndedAsync([run], Bound);

        Assert.Equal("succeeded", await cluster.ValueAsync("SELECT status FROM runs WHERE run_id = $1", run));
        Assert.Equal(renderer.InstanceId, await cluster.ValueAsync("SELECT node FROM step_runs WHERE run_id = $1 AND step_id = 'render'", run));
    }

    [Fact]
    public async Task A_worker_told_to_stop_finishes_its_running_step_takes_no_new_one_and_exits_0()
    {
        using var workspace = new PostgresWorkspace(await server.CreateDatabaseAsync("drain"));
        workspace.Write("pipelines/long.yaml", """
            name: long
            steps:
              - id: slow
                uses: bench/sleep
                runs-on: heavy
                with: { tag: slow, seconds: 4 }
              - id: after
                uses: bench/sleep
                runs-on: heavy
                with: { tag: after, after: ["${{ steps.slow.outputs.marker }}"] }
            """);
        await using var cluster = new TestCluster(workspace);
        await cluster.StartAsync(workers: 1, workerLabels: [["heavy"]]);
        var worker = cluster.Workers[0];
        var run = await cluster.StartRunAsync("long", new Dictionary<string, object>());
        await WaitUntil(cluster, async () => await cluster.ScalarAsync(
            "SELECT count(*) FROM step_dispatch WHERE run_id = $1 AND step_id = 'slow' AND started_at IS NOT NULL", run) == 1);

        worker.Terminate();
        Assert.True(await worker.WaitForExitAsync(TimeSpan.FromMinutes(1)), $"the worker did not drain\n{cluster.Describe()}");

        Assert.Equal(0, worker.ExitCode);
        Assert.Contains("drained", worker.Output);
        var slow = (await cluster.RowsAsync("SELECT status, node, attempt FROM step_runs WHERE run_id = $1 AND step_id = 'slow'", run)).Single();
        Assert.Equal(["succeeded", worker.InstanceId, 1], slow);
        // Its dependent was queued by the finished step and waits: the drained worker took no new step.
        Assert.Equal(0, await cluster.ScalarAsync("SELECT count(*) FROM step_runs WHERE run_id = $1 AND step_id = 'after'", run));
        Assert.Equal(1, await cluster.ScalarAsync("SELECT count(*) FROM step_dispatch WHERE run_id = $1 AND step_id = 'after' AND deliveries = 0", run));
        Assert.Equal("running", await cluster.ValueAsync("SELECT status FROM runs WHERE run_id = $1", run));
    }

    [Fact]
    public async Task A_run_whose_step_dies_with_the_only_node_that_could_run_it_is_marked_interrupted()
    {
        using var workspace = new PostgresWorkspace(await server.CreateDatabaseAsync("stranded"));
        workspace.Write("pipelines/render.yaml", """
            name: render
            steps:
              - id: frames
                uses: bench/sleep
                runs-on: gpu
                with: { tag: frames, seconds: 60 }
            """);
        await using var cluster = new TestCluster(workspace);
        await cluster.StartAsync(workers: 1, workerLabels: [["gpu"]]);
        var run = await cluster.StartRunAsync("render", new Dictionary<string, object>());
        await WaitUntil(cluster, async () => await cluster.ScalarAsync(
            "SELECT count(*) FROM step_dispatch WHERE run_id = $1 AND started_at IS NOT NULL", run) == 1);

        cluster.Workers[0].Kill();
        await cluster.WaitUntilEndedAsync([run], Bound);

        var (status, error) = ((string)(await cluster.ValueAsync("SELECT status FROM runs WHERE run_id = $1", run))!,
            (string?)await cluster.ValueAsync("SELECT error FROM runs WHERE run_id = $1", run));
        Assert.Equal("interrupted", status);
        Assert.Contains($"node {cluster.Workers[0].InstanceId} stopped checking in while it ran step 'frames'", error);
        Assert.Contains("label 'gpu'", error);
    }

    private static async Task WaitUntil(TestCluster cluster, Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the cluster never got there\n{cluster.Describe()}");
            await Task.Delay(100);
        }
    }
}
