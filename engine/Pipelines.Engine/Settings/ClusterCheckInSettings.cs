using System.Globalization;
using Pipelines.Abstractions;

namespace Pipelines.Engine.Settings;

/// <summary>
/// How the nodes of a cluster check in (ml.yaml's <c>cluster:</c>, read with a PostgreSQL store): every
/// <c>pipelines serve</c> and <c>pipelines worker</c> started in the workspace takes these unless its own
/// <c>--checkin-interval</c> or <c>--checkin-threshold</c> says otherwise, and <c>pipelines cluster status</c> judges a
/// node alive by the same threshold unless given <c>--threshold</c>. Together they bound the time from a node's death to
/// its steps running elsewhere (docs/deployment.md has the figures).
/// </summary>
public sealed record ClusterCheckInSettings
{
    /// <summary>The check-in interval when neither ml.yaml nor the command line gives one: Quartz's own default.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(7.5);

    [Input("How often each node records in the database that it is alive (Quartz's clusterCheckinInterval), e.g. 5s; 7.5s when not given. --checkin-interval overrides it.")]
    public TimeSpan? CheckinInterval { get; init; }

    [Input("How long past a missed check-in the other nodes wait before taking a node for dead and running its steps again (Quartz's clusterCheckinMisfireThreshold), and the lateness cluster status allows before it shows a node as not alive; the interval when not given. --checkin-threshold overrides it.")]
    public TimeSpan? CheckinThreshold { get; init; }

    /// <summary>The interval in force: ml.yaml's, or <see cref="DefaultInterval"/>.</summary>
    public TimeSpan Interval() => CheckinInterval ?? DefaultInterval;

    /// <summary>The threshold in force: ml.yaml's, or the interval (as the command line's default is).</summary>
    public TimeSpan Threshold() => CheckinThreshold ?? Interval();

    /// <summary>
    /// Each problem as (key, message). An interval of zero would have a node check in without pause, and a threshold of
    /// zero would have the others take a node for dead as soon as a check-in is late by a hair and run its steps a second
    /// time; Quartz takes either without a word, so they are refused here. A node records its interval in whole
    /// milliseconds, so less than one is none.
    /// </summary>
    public IReadOnlyList<(string Key, string Problem)> Problems()
    {
        var problems = new List<(string, string)>();
        if (CheckinInterval is { } interval && interval < TimeSpan.FromMilliseconds(1))
            problems.Add(("checkin_interval", $"must be at least 1ms, got {Milliseconds(interval)}"));
        if (CheckinThreshold is { } threshold && threshold < TimeSpan.FromMilliseconds(1))
            problems.Add(("checkin_threshold", $"must be at least 1ms, got {Milliseconds(threshold)}"));
        return problems;
    }

    private static string Milliseconds(TimeSpan value) => value.TotalMilliseconds.ToString(CultureInfo.InvariantCulture) + "ms";
}
