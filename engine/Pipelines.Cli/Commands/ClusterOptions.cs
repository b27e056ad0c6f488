using System.CommandLine;
using Pipelines.Cli.Bench;
using Pipelines.Engine.Model;
using Pipelines.Engine.Settings;
using Pipelines.Service.Cluster;

namespace Pipelines.Cli.Commands;

/// <summary>The options with which <c>serve</c> and <c>worker</c> join the cluster (the store in PostgreSQL).</summary>
internal static class ClusterOptions
{
    public static readonly Option<int?> MaxSteps = new("--max-steps") { Description = "Most steps this node runs at once (default: one per core); 0 on serve: it runs none itself." };
    public static readonly Option<string?> Labels = new("--labels") { Description = "Labels of this node, comma-separated (e.g. train,gpu): it also runs steps with runs-on: one of them." };
    public static readonly Option<string?> CheckinInterval = new("--checkin-interval")
    {
        Description = "How often the node tells the cluster it is alive, e.g. 7.5s (default: ml.yaml's cluster.checkin_interval, else 7.5s).",
    };
    public static readonly Option<string?> CheckinThreshold = new("--checkin-threshold")
    {
        Description = "How long past a missed check-in the others take the node for dead and run its steps again (default: ml.yaml's cluster.checkin_threshold, else the interval).",
    };
    public static readonly Option<string> Poll = new("--poll") { Description = "How often an idle node looks for steps queued by others (at least 1s).", DefaultValueFactory = _ => "1s" };
    public static readonly Option<bool> BenchSteps = new("--bench-steps") { Description = "Also run the benchmark's step types (bench/noop, bench/sleep), for 'pipelines bench cluster' and tests." };

    public static IEnumerable<Option> All => [MaxSteps, Labels, CheckinInterval, CheckinThreshold, Poll, BenchSteps];

    /// <summary>
    /// The node's settings: the options given, and for the check-in what ml.yaml's <c>cluster:</c> (<paramref name="checkIn"/>)
    /// says where they are not. A threshold given nowhere is the interval in force.
    /// </summary>
    public static ClusterSettings Settings(ParseResult parse, bool firesSchedules, ClusterCheckInSettings checkIn)
    {
        var interval = parse.GetValue(CheckinInterval) is { } intervalText ? Duration(intervalText, "--checkin-interval") : checkIn.Interval();
        var threshold = parse.GetValue(CheckinThreshold) is { } thresholdText ? Duration(thresholdText, "--checkin-threshold") : checkIn.CheckinThreshold ?? interval;
        var labels = (parse.GetValue(Labels) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var label in labels)
            if (!NodeLabel.IsWellFormed(label)) throw new ArgumentException($"--labels: '{label}' is not a label: {NodeLabel.Shape}");
        var maxSteps = parse.GetValue(MaxSteps) ?? Environment.ProcessorCount;
        if (maxSteps < (firesSchedules ? 0 : 1))
            throw new ArgumentException($"--max-steps {maxSteps}: a worker runs at least one step at a time");
        return new ClusterSettings
        {
            CheckinInterval = interval,
            CheckinMisfireThreshold = threshold,
            PollInterval = Duration(parse.GetValue(Poll)!, "--poll"),
            MaxSteps = maxSteps,
            Labels = labels.Distinct().ToList(),
            FiresSchedules = firesSchedules,
        };
    }

    /// <summary>Adds the benchmark's step types to the node's catalogue when asked.</summary>
    public static void AddBenchSteps(ParseResult parse, CliContext context)
    {
        if (!parse.GetValue(BenchSteps)) return;
        context.Catalog.Add(typeof(NoOpStep));
        context.Catalog.Add(typeof(SleepStep));
    }

    private static TimeSpan Duration(string text, string option) =>
        DurationText.TryParse(text, out var value) && value > TimeSpan.Zero ? value : throw new ArgumentException($"{option} '{text}' is not a duration such as 2s or 1m");
}
