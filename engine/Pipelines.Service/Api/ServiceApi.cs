using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Pipelines.Engine.Cluster;
using Pipelines.Engine.Events;
using Pipelines.Service.Api.Cluster;
using Pipelines.Service.Api.Drift;
using Pipelines.Service.Api.Events;
using Pipelines.Service.Api.Models;
using Pipelines.Service.Api.Notifications;
using Pipelines.Service.Api.Shadow;
using Pipelines.Service.Api.Status;
using Pipelines.Service.Observability;
using Prometheus;
using Scalar.AspNetCore;

namespace Pipelines.Service.Api;

/// <summary>
/// The service's read API and what watches it, as two calls for the host: <see cref="AddServiceApi"/> before the app
/// is built (OpenAPI, metrics) and <see cref="MapServiceApi"/> after (the <c>/api/v1</c> endpoints of models, drift,
/// shadow, events and status; <c>/openapi/v1.json</c> and its reference page at <c>/api/reference</c>; <c>/metrics</c>;
/// <c>/healthz</c>; the status page at <c>/</c>). With <c>StudioServer.Build</c>:
/// <code>
/// StudioServer.Build(studio, services: s => s.AddServiceApi(), endpoints: app => app.MapServiceApi(api));
/// </code>
/// Endpoints others map under <c>/api/v1</c> with <c>.WithTags</c> and <c>.WithSummary</c> appear in the same document.
/// </summary>
public static class ServiceApi
{
    public const string OpenApiPath = "/openapi/{documentName}.json";
    public const string ReferencePath = "/api/reference";

    public static IServiceCollection AddServiceApi(this IServiceCollection services)
    {
        services.AddOpenApi(ServiceInfo.ApiVersion, options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = $"{ServiceInfo.Name} API";
            document.Info.Description = "Pipelines, runs, the model registry, drift, shadow comparisons, events and the service's status.";
            return Task.CompletedTask;
        }));
        services.AddSingleton<ServiceMetrics>();
        return services;
    }

    public static WebApplication MapServiceApi(this WebApplication app, ServiceApiOptions options)
    {
        var context = new ServiceApiContext(options);
        var api = app.MapGroup(ServiceInfo.ApiPrefix);

        var models = api.MapGroup("/models").WithTags("Models");
        ListModels.Map(models, context);
        GetModel.Map(models, context);
        GetModelVersion.Map(models, context);
        PromoteModel.Map(models, context);
        RollbackModel.Map(models, context);
        RetireModel.Map(models, context);
        GetModelPerformance.Map(models, context);

        ListDriftEvents.Map(api.MapGroup("/drift").WithTags("Drift"), context);
        ListNotifications.Map(api.MapGroup("/notifications").WithTags("Notifications"), context);
        GetShadowSummary.Map(api.MapGroup("/shadow").WithTags("Shadow"), context);

        var events = api.MapGroup("/events").WithTags("Events");
        ListEvents.Map(events, context);
        StreamEvents.Map(events, context);

        GetStatus.Map(api.MapGroup("/status").WithTags("Status"), context);
        GetClusterStatus.Map(api.MapGroup("/cluster").WithTags("Cluster"), context);

        app.MapOpenApi(OpenApiPath);
        app.MapScalarApiReference(ReferencePath, reference => reference
            .WithTitle($"{ServiceInfo.Name} API")
            .WithOpenApiRoutePattern(OpenApiPath));

        var metrics = app.Services.GetRequiredService<ServiceMetrics>();
        metrics.Attach(options.Store);
        app.MapMetrics("/metrics", metrics.Registry).ExcludeFromDescription();
        HealthEndpoint.Map(app, options.Store).ExcludeFromDescription();

        app.MapGet("/", (HttpContext http) => Results.Content(
                StatusPage.Page(options.KeyRequired ? null : StatusContent(context, http)), "text/html; charset=utf-8"))
            .ExcludeFromDescription();
        app.MapGet(StatusPage.PanelPath, (HttpContext http) => Results.Content(StatusPage.Panel(StatusContent(context, http)), "text/html; charset=utf-8"))
            .ExcludeFromDescription();
        return app;
    }

    private static StatusPage.Content StatusContent(ServiceApiContext context, HttpContext http)
    {
        var status = StatusReport.Build(context, context.Schedule(http));
        var (runs, events) = context.Read(store => (
            store.ListRuns(15),
            (IReadOnlyList<PipelineEvent>)StatusPage.WatchedEventTypes
                .SelectMany(type => store.Events(new EventQuery(Type: type, Limit: 15)))
                .OrderByDescending(e => e.Sequence).Take(15).ToList()), ([], []));
        return new StatusPage.Content(status, runs, events, GetClusterStatus.Read(context, context.Options.ClusterLivenessThreshold));
    }
}
