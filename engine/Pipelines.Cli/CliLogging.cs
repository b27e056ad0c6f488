using Pipelines.Engine.Settings;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Json;

namespace Pipelines.Cli;

/// <summary>
/// Structured logs: a JSON file per day in the store's logs/ directory (shared between processes) and,
/// when asked, human-readable events on stderr so stdout stays clean for tables and JSON output.
/// </summary>
public static class CliLogging
{
    public static Serilog.Core.Logger Create(Workspace workspace, bool verbose)
    {
        var settings = workspace.Settings.Logging;
        var configuration = new LoggerConfiguration()
            .MinimumLevel.Is(verbose ? LogEventLevel.Debug : (LogEventLevel)settings.Level)
            .Enrich.WithProperty("Process", Environment.ProcessId);
        if (settings.JsonFile)
        {
            var directory = Path.Combine(workspace.StorePath, "logs");
            Directory.CreateDirectory(directory);
            configuration = configuration.WriteTo.File(new JsonFormatter(renderMessage: true), Path.Combine(directory, "pipelines-.json"),
                rollingInterval: RollingInterval.Day, shared: true);
        }
        if (settings.Console || verbose)
            configuration = configuration.WriteTo.Console(standardErrorFromLevel: LogEventLevel.Verbose,
                outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{NewLine}");
        return configuration.CreateLogger();
    }
}
