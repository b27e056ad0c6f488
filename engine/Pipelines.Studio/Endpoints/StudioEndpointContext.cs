using System.Text.Json.Nodes;

namespace Pipelines.Studio.Endpoints;

/// <summary>
/// What every Studio endpoint reads: the options, the definitions (pipeline files), the instances (runs) and the
/// activity descriptors, built once from the step catalogue.
/// </summary>
internal sealed class StudioEndpointContext(StudioOptions options)
{
    public StudioOptions Options { get; } = options;
    public WorkflowDefinitionService Definitions { get; } = new(options);
    public WorkflowInstanceService Instances { get; } = new(options);
    public JsonArray ActivityDescriptors { get; } = Studio.ActivityDescriptors.All(options.Catalog);
}
