using Pipelines.Cli;

namespace Pipelines.Engine.Tests.Support;

/// <summary>Runs the CLI in-process, capturing what it prints.</summary>
public sealed record CliRun(int ExitCode, string Output, string Error)
{
    public static async Task<CliRun> InvokeAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await PipelinesCli.RunAsync(args, output, error, CancellationToken.None);
        return new CliRun(code, output.ToString(), error.ToString());
    }

    public static CliRun Invoke(params string[] args) => InvokeAsync(args).GetAwaiter().GetResult();

    /// <summary>The first run id (yyyyMMdd-HHmmss-hex) the command printed, in a table or a line.</summary>
    public string FirstRunId() =>
        System.Text.RegularExpressions.Regex.Match(Output, @"\b\d{8}-\d{6}-[0-9a-f]{6}\b") is { Success: true } match
            ? match.Value
            : throw new InvalidOperationException("no run id in the output: " + Output);
}
