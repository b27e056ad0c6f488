using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pipelines.Cluster.Tests.Support;
using Pipelines.Service.Cluster;
using Quartz;
using Quartz.Extensibility;

namespace Pipelines.Cluster.Tests;

/// <summary>
/// The check-in a node is given (ml.yaml's <c>cluster:</c> or its own options, see the engine's settings tests) is what its
/// Quartz scheduler is configured with, and what <c>pipelines cluster status</c> judges liveness by.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ClusterCheckInSettingsTests(PostgresServer server)
{
    private const string NoServer = "Host=127.0.0.1;Port=1;Database=none;Username=none;Timeout=1";

    [Fact]
    public void The_interval_and_threshold_a_node_is_given_are_the_ones_Quartz_checks_in_with()
    {
        var settings = new ClusterSettings { CheckinInterval = TimeSpan.FromSeconds(2), CheckinMisfireThreshold = TimeSpan.FromSeconds(3), MaxSteps = 1 };

        var clustering = QuartzClustering(settings);

        Assert.True(clustering.Enabled);
        Assert.Equal(TimeSpan.FromSeconds(2), clustering.CheckinInterval);
        Assert.Equal(TimeSpan.FromSeconds(3), clustering.CheckinMisfireThreshold);
    }

    [Fact]
    public async Task Cluster_status_judges_liveness_by_the_threshold_in_ml_yaml_unless_given_another()
    {
        using var workspace = new PostgresWorkspace(await server.CreateDatabaseAsync("checkin"), "cluster:\n  checkin_interval: 2s\n  checkin_threshold: 42s\n");

        var fromFile = await workspace.RunAsync(TimeSpan.FromSeconds(90), "cluster", "status", "--json");
        var given = await workspace.RunAsync(TimeSpan.FromSeconds(90), "cluster", "status", "--json", "--threshold", "3");

        Assert.True(fromFile.ExitCode == 0, fromFile.All);
        Assert.Equal(42, JsonNode.Parse(fromFile.Output)!["thresholdSeconds"]!.GetValue<double>());
        Assert.True(given.ExitCode == 0, given.All);
        Assert.Equal(3, JsonNode.Parse(given.Output)!["thresholdSeconds"]!.GetValue<double>());

        // The service passes ml.yaml's threshold to its endpoint and home page; a request may still give its own.
        using var store = workspace.OpenStore();
        await using var api = await ApiOnStore.StartAsync(workspace.Root, store, TimeSpan.FromSeconds(42));
        Assert.Equal(42, (await api.GetJson("/api/v1/cluster/status"))["thresholdSeconds"]!.GetValue<double>());
        Assert.Equal(3, (await api.GetJson("/api/v1/cluster/status?threshold=3"))["thresholdSeconds"]!.GetValue<double>());
    }

    /// <summary>The clustering options Quartz reads from a container configured as <see cref="ClusterQuartz.Build"/> configures its own.</summary>
    private static ClusteringOptions QuartzClustering(ClusterSettings settings)
    {
        var services = new ServiceCollection();
        services.AddQuartz(q => ClusterQuartz.Configure(q, NoServer, settings, new NoJobs()));
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptionsMonitor<ClusteringOptions>>().Get(Options.DefaultName);
    }

    private sealed class NoJobs : IJobFactory
    {
        public ValueTask<JobScope> CreateJob(TriggerFiredBundle bundle, IScheduler scheduler, CancellationToken cancellationToken) =>
            throw new SchedulerException("this test schedules no jobs");

        public ValueTask ReturnJob(JobScope scope, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
