using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Pipelines.Engine.Storage;
using Pipelines.Service.Scheduling;

namespace Pipelines.Service.Api;

/// <summary>What the endpoints share: the store, a registry opened on it for a given actor, the clock and the scheduler.</summary>
internal sealed class ServiceApiContext(ServiceApiOptions options)
{
    public ServiceApiOptions Options { get; } = options;

    public DateTimeOffset Now => Options.Time.GetUtcNow();

    /// <summary>Reads the store; <paramref name="whenMissing"/> when no store has been created yet.</summary>
    public T Read<T>(Func<PipelineStore, T> read, T whenMissing) => Options.Store.Use(read, whenMissing);

    public ModelRegistry Registry(PipelineStore store, RegistryActor actor) => new(store, actor, Options.RegistryMaxVersions);

    /// <summary>The read-only registry: nothing it is asked changes the store, so the actor is never recorded.</summary>
    public ModelRegistry Registry(PipelineStore store) => Registry(store, RegistryActor.Api("reader"));

    public ITriggerSchedule? Schedule(HttpContext http) => http.RequestServices.GetService<ITriggerSchedule>() ?? Options.Schedule;

    /// <summary>The instant "the last <paramref name="days"/> days" starts, as the store keeps time (UTC).</summary>
    public DateTime DaysAgo(int days) => Now.UtcDateTime.AddDays(-days);
}
