using Microsoft.AspNetCore.Routing;
using Pipelines.Service.Api.Pipelines;
using Pipelines.Service.Api.Runs;

namespace Pipelines.Service.Api;

/// <summary>The service's own endpoints under <c>/api/v1</c>: pipelines and runs, one endpoint per file.</summary>
public static class PipelineAndRunApi
{
    public static void Map(RouteGroupBuilder api, ServiceHost service)
    {
        ListPipelines.Map(api, service);
        GetPipeline.Map(api, service);
        StartPipelineRun.Map(api, service);
        PausePipelineTriggers.Map(api, service);
        ResumePipelineTriggers.Map(api, service);
        ListRuns.Map(api, service);
        GetRun.Map(api, service);
        CancelRun.Map(api, service);
        ResumeRun.Map(api, service);
    }
}

