using Microsoft.AspNetCore.Routing;
using Pipelines.Studio.Endpoints.ActivityExecutions;
using Pipelines.Studio.Endpoints.Descriptors;
using Pipelines.Studio.Endpoints.Package;
using Pipelines.Studio.Endpoints.WorkflowDefinitions;
using Pipelines.Studio.Endpoints.WorkflowInstances;

namespace Pipelines.Studio.Endpoints;

/// <summary>
/// The subset of Elsa's REST API that Studio calls, one endpoint per file, grouped by resource as Elsa's own server
/// is. None of it is part of the service's OpenAPI document: it is Elsa's contract, not ours.
/// </summary>
internal static class StudioEndpoints
{
    public static void Map(IEndpointRouteBuilder api, StudioEndpointContext context)
    {
        ListActivityDescriptors.Map(api, context);
        GetActivityDescriptor.Map(api, context);
        ListExpressionDescriptors.Map(api);
        ListVariableDescriptors.Map(api);
        ListEmptyDescriptors.Map(api);
        GetPackageVersion.Map(api);

        ListWorkflowDefinitions.Map(api, context);
        CountWorkflowDefinitions.Map(api, context);
        IsNameUnique.Map(api, context);
        GetByDefinitionId.Map(api, context);
        GetByVersionId.Map(api, context);
        SaveWorkflowDefinition.Map(api, context);
        ImportWorkflowDefinition.Map(api, context);
        PublishWorkflowDefinition.Map(api, context);
        ExecuteWorkflowDefinition.Map(api, context);
        RetractWorkflowDefinition.Map(api);
        DeleteWorkflowDefinition.Map(api, context);
        ExportWorkflowDefinition.Map(api, context);

        ListWorkflowInstances.Map(api, context);
        GetWorkflowInstance.Map(api, context);
        ListInstanceVariables.Map(api, context);
        GetInstanceJournal.Map(api, context);

        ReportActivityExecutions.Map(api, context);
        ListActivityExecutions.Map(api, context);
        GetActivityExecution.Map(api, context);
    }
}
