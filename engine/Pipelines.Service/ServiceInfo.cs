namespace Pipelines.Service;

/// <summary>The service's name in logs, the OpenAPI document and the status page.</summary>
public static class ServiceInfo
{
    public const string Name = "Pipelines";
    public const string ApiVersion = "v1";
    public const string ApiPrefix = "/api/v1";
}
