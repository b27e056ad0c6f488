using System.CommandLine;
using Pipelines.Cli.Remote;
using Pipelines.Engine.Execution;

namespace Pipelines.Cli.Commands;

public static class ResumeCommand
{
    public static Command Create(Func<ParseResult, CliContext> contextFor)
    {
        var runId = new Argument<string>("run") { Description = "Run id (or a unique prefix) of a failed, cancelled or killed run." };
        var command = new Command("resume", "Continue a failed, cancelled or killed run with the pipeline text and parameters it started with; completed steps are not redone.")
        {
            runId, RunCommand.Parallelism, RunCommand.Wait,
        };
        command.SetAction((parse, _) =>
        {
            var context = contextFor(parse);
            return CommandGuard.RunAsync(context, async () =>
            {
                if (ServiceClient.Find(context) is { } service)
                    using (service)
                        return await RemoteRun.ResumeAsync(context, service, parse.GetValue(runId)!);
                using var store = context.OpenStore(RunCommand.WaitFor(parse));
                var runner = new PipelineRunner(store, context.Catalog, context.Logger);
                return await RunCommand.Execute(context, RunCommand.Options(context, parse),
                    o => runner.ResumeAsync(parse.GetValue(runId)!, context.Workspace.Root, o, context.Cancellation));
            });
        });
        return command;
    }
}
