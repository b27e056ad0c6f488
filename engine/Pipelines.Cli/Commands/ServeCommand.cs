using System.CommandLine;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Pipelines.Studio;

namespace Pipelines.Cli.Commands;

public static class ServeCommand
{
    public static Command Create(Func<ParseResult, CliContext> contextFor)
    {
        var urls = new Option<string>("--urls") { Description = "Where to listen, ';'-separated; port 0 picks a free port.", DefaultValueFactory = _ => StudioOptions.DefaultUrl };
        var apiKey = new Option<string?>("--api-key") { Description = "Require 'Authorization: ApiKey <key>' on every API call; needed to listen beyond loopback." };
        var allowOrigin = new Option<string[]>("--allow-origin") { Description = "Origin of a Studio hosted elsewhere that may call the API.", AllowMultipleArgumentsPerToken = false };
        var command = new Command("serve", "Serve Elsa Studio and the Elsa API subset it needs, backed by the files in pipelines/ and the run store.")
        {
            urls, apiKey, allowOrigin,
        };
        command.SetAction((parse, _) =>
        {
            var context = contextFor(parse);
            return CommandGuard.RunAsync(context, async () =>
            {
                var assets = Path.Combine(AppContext.BaseDirectory, "studio");
                var options = new StudioOptions
                {
                    WorkspaceRoot = context.Workspace.Root,
                    PipelinesDirectory = Path.Combine(context.Workspace.Root, "pipelines"),
                    Catalog = context.Catalog,
                    StorePath = context.Workspace.StorePath,
                    Urls = parse.GetValue(urls)!.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                    ApiKey = parse.GetValue(apiKey) ?? Environment.GetEnvironmentVariable("PIPELINES_API_KEY"),
                    AllowedOrigins = parse.GetValue(allowOrigin) ?? [],
                    AssetsDirectory = File.Exists(Path.Combine(assets, "_framework", "blazor.webassembly.js")) ? assets : null,
                    MaxFileBytes = context.Workspace.Settings.Engine.MaxFileBytes,
                };
                await using var app = StudioServer.Build(options);
                await app.StartAsync(context.Cancellation);
                var addresses = app.Services.GetService(typeof(IServer)) is IServer server
                    ? server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [] : [];
                foreach (var address in addresses) context.Output.WriteLine($"listening on {address}");
                if (options.AssetsDirectory is null) context.Output.WriteLine("Studio assets not found next to the program; serving the API only");
                context.Output.Flush();
                try { await Task.Delay(Timeout.Infinite, context.Cancellation); }
                catch (OperationCanceledException) { }
                await app.StopAsync(CancellationToken.None);
                return ExitCodes.Success;
            });
        });
        return command;
    }
}
