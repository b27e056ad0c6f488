using System.CommandLine;
using Pipelines.Cli.Output;

namespace Pipelines.Cli;

/// <summary>Options every command accepts.</summary>
public static class GlobalOptions
{
    public static readonly Option<string?> Workspace = new("--workspace", "-C")
    {
        Description = "Workspace directory (the one holding ml.yaml); found from the current directory by default.",
        Recursive = true,
    };

    public static readonly Option<DiagnosticFormat> Format = new("--format")
    {
        Description = "How errors are printed: text, or github (workflow commands that annotate pull requests).",
        DefaultValueFactory = _ => DiagnosticFormat.Text,
        Recursive = true,
    };

    public static readonly Option<bool> Verbose = new("--verbose", "-v")
    {
        Description = "Also print structured log events to stderr.",
        Recursive = true,
    };

    public static Option<string[]> Params() => new("--param", "-p")
    {
        Description = "Override a pipeline parameter: NAME=VALUE (repeatable).",
        AllowMultipleArgumentsPerToken = false,
    };

    public static IReadOnlyDictionary<string, string> ParseParams(string[]? values)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var value in values ?? [])
        {
            var equals = value.IndexOf('=');
            if (equals <= 0) throw new ArgumentException($"--param '{value}' is not NAME=VALUE");
            result[value[..equals]] = value[(equals + 1)..];
        }
        return result;
    }
}
