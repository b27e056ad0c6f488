using System.CommandLine;
using Pipelines.Cli.Commands;

namespace Pipelines.Cli;

/// <summary>The command tree; callable in-process with any output streams, which is how the tests drive it.</summary>
public static class PipelinesCli
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellation)
    {
        var contexts = new List<CliContext>();
        CliContext ContextFor(ParseResult parse)
        {
            var context = new CliContext(parse.GetValue(GlobalOptions.Workspace), parse.GetValue(GlobalOptions.Format), parse.GetValue(GlobalOptions.Verbose),
                output, error, cancellation);
            contexts.Add(context);
            return context;
        }

        var root = new RootCommand("Pipelines: declarative pipelines for the life of trading ML models.")
        {
            GlobalOptions.Workspace, GlobalOptions.Format, GlobalOptions.Verbose,
            ValidateCommand.Create(ContextFor),
            PlanCommand.Create(ContextFor),
            RunCommand.Create(ContextFor),
            ResumeCommand.Create(ContextFor),
            RunsCommand.Create(ContextFor),
            ShowCommand.Create(ContextFor),
            LineageCommand.Create(ContextFor),
            StepsCommand.Create(ContextFor),
            DescribeCommand.Create(ContextFor),
            FmtCommand.Create(ContextFor),
            DiffCommand.Create(ContextFor),
            SchemaCommand.Create(ContextFor),
            ModelsCommand.Create(ContextFor),
            DriftCommand.Create(ContextFor),
            EventsCommand.Create(ContextFor),
            ExplainCommand.Create(ContextFor),
            MlCommand.Create(ContextFor),
            BenchCommand.Create(ContextFor),
            ExportElsaCommand.Create(ContextFor),
            ImportElsaCommand.Create(ContextFor),
            ServeCommand.Create(ContextFor),
            WorkerCommand.Create(ContextFor),
            NotificationsCommand.Create(ContextFor),
            ClusterCommand.Create(ContextFor),
        };
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var parseError in parse.Errors) error.WriteLine($"error: {parseError.Message}");
            error.WriteLine("see 'pipelines --help'");
            return ExitCodes.InvalidInput;
        }
        try
        {
            // Cancellation is ours (Program wires Ctrl+C and SIGTERM), so a run can record itself as cancelled.
            return await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, ProcessTerminationTimeout = null }, cancellation);
        }
        finally
        {
            foreach (var context in contexts) context.Dispose();
        }
    }
}
