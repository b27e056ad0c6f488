using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Pipelines.Engine.Cluster;

namespace Pipelines.Service.Api.Cluster;

/// <summary>
/// <c>GET /api/v1/cluster/status?threshold=</c>: the cluster's nodes and check-ins, the steps running where, and the
/// queue, read from Quartz's tables in the store's database; with a DuckDB store, a status saying there is no cluster.
/// </summary>
internal static class GetClusterStatus
{
    public static RouteHandlerBuilder Map(IEndpointRouteBuilder cluster, ServiceApiContext context) =>
        cluster.MapGet("/status", ([AsParameters] ClusterStatusRequest request) => Handle(context, request))
            .WithName("GetClusterStatus").WithSummary("Cluster nodes with their last check-in and liveness, running steps (run, step, node, since) and queue depth.");

    private static Results<Ok<ClusterStatusResponse>, ValidationProblem> Handle(ServiceApiContext context, ClusterStatusRequest request)
    {
        if (!TryThreshold(request.Threshold, context.Options.ClusterLivenessThreshold, out var threshold, out var error)) return ApiProblems.BadValue("threshold", error);
        return TypedResults.Ok(Read(context, threshold));
    }

    /// <summary>The status the endpoint and the home page show; a store that cannot be opened gives a status saying so.</summary>
    internal static ClusterStatusResponse Read(ServiceApiContext context, TimeSpan threshold) => ClusterStatusResponse.From(context.Read(
        store => ClusterStatusQuery.Read(store, threshold, context.Options.Time),
        new ClusterStatus(false, "the store cannot be read now", context.Now, threshold, [], [], [])));

    /// <summary>The request's threshold in seconds, or <paramref name="configured"/> (ml.yaml's) when it gives none.</summary>
    internal static bool TryThreshold(string? text, TimeSpan configured, out TimeSpan threshold, out string error)
    {
        threshold = configured;
        error = "";
        if (string.IsNullOrEmpty(text)) return true;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds is >= 0 and <= 86_400)
        {
            threshold = TimeSpan.FromSeconds(seconds);
            return true;
        }
        error = $"'{text}' is not a number of seconds between 0 and 86400";
        return false;
    }
}
