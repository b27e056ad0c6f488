namespace Pipelines.Cli.Output;

/// <summary>How errors are printed: for people, or as GitHub Actions workflow commands that annotate the PR diff.</summary>
public enum DiagnosticFormat { Text, Github }
