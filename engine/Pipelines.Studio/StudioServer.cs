using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pipelines.Studio.Endpoints;

namespace Pipelines.Studio;

/// <summary>
/// <c>pipelines serve</c>'s web host: the subset of Elsa's REST API that Studio calls (<see cref="StudioEndpoints"/>),
/// backed by the pipeline files and the run store, and a page hosting Studio's custom elements. Kestrel on loopback
/// unless told otherwise. A host adds its own services and endpoints through the hooks of <see cref="Build"/>.
/// </summary>
public static class StudioServer
{
    /// <summary>The address of Studio's page; "/" leads there unless the host maps a home page of its own.</summary>
    public const string StudioPath = "/studio";

    /// <summary>
    /// Builds the server. <paramref name="services"/> may add services before the app is built;
    /// <paramref name="endpoints"/> maps more endpoints after the security checks are in place, so everything it maps
    /// is guarded by the same rules (<see cref="StudioSecurity"/>).
    /// </summary>
    public static WebApplication Build(StudioOptions options, Action<ILoggingBuilder>? logging = null,
        Action<IServiceCollection>? services = null, Action<WebApplication>? endpoints = null)
    {
        StudioSecurity.CheckBinding(options);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = options.WorkspaceRoot });
        builder.WebHost.UseUrls([.. options.Urls]);
        builder.Logging.ClearProviders();
        logging?.Invoke(builder.Logging);
        if (options.AllowedOrigins.Count > 0)
            builder.Services.AddCors(cors => cors.AddDefaultPolicy(policy => policy.WithOrigins([.. options.AllowedOrigins])
                .WithHeaders("Authorization", "Content-Type", "X-Tenant-Id", "Last-Event-ID").WithMethods("GET", "POST", "PUT", "DELETE").WithExposedHeaders("Content-Disposition")));
        services?.Invoke(builder.Services);

        var app = builder.Build();
        app.Use(async (context, next) =>
        {
            if (StudioSecurity.Check(context, options) is { } status)
            {
                context.Response.StatusCode = status;
                return;
            }
            await next(context);
        });
        if (options.AllowedOrigins.Count > 0) app.UseCors();

        // Elsa's contract, not the service's: kept out of the OpenAPI document.
        StudioEndpoints.Map(app.MapGroup(StudioSecurity.ApiPrefix).ExcludeFromDescription(), new StudioEndpointContext(options));

        app.MapGet(StudioPath, () => Results.Content(StudioPage.Html(options.AssetsDirectory is not null, !string.IsNullOrEmpty(options.ApiKey)), "text/html; charset=utf-8"))
            .ExcludeFromDescription();
        // Ordered after any "/" the host maps (lower orders win), so a host's home page takes precedence.
        app.MapGet("/", () => Results.Redirect(StudioPath)).WithOrder(1).ExcludeFromDescription();
        endpoints?.Invoke(app);
        if (options.AssetsDirectory is not null)
        {
            if (!File.Exists(Path.Combine(options.AssetsDirectory, "_framework", "blazor.webassembly.js")))
                throw new InvalidOperationException($"Studio assets are missing from {options.AssetsDirectory}; build Pipelines.Studio to restore them from npm");
            var types = new FileExtensionContentTypeProvider();
            types.Mappings[".wasm"] = "application/wasm";
            types.Mappings[".dat"] = "application/octet-stream";
            types.Mappings[".blat"] = "application/octet-stream";
            app.UseStaticFiles(new StaticFileOptions { FileProvider = new PhysicalFileProvider(options.AssetsDirectory), ContentTypeProvider = types });
        }
        return app;
    }
}
