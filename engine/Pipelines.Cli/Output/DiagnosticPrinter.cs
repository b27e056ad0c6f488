using Pipelines.Engine.Diagnostics;

namespace Pipelines.Cli.Output;

public static class DiagnosticPrinter
{
    public static void Print(TextWriter writer, IEnumerable<Diagnostic> diagnostics, DiagnosticFormat format, string workspaceRoot)
    {
        foreach (var d in diagnostics)
        {
            var file = RelativeFile(d.Location.File, workspaceRoot);
            if (format == DiagnosticFormat.Github)
            {
                var message = d.Offending is null ? $"{d.Code}: {d.Message}" : $"{d.Code}: {d.Message} (at '{d.Offending}')";
                writer.WriteLine($"::error file={EscapeProperty(file)},line={d.Location.Line},col={d.Location.Column}::{EscapeData(message)}");
            }
            else
            {
                writer.WriteLine((d with { Location = d.Location with { File = file } }).ToString());
            }
        }
    }

    private static string RelativeFile(string file, string root)
    {
        if (!Path.IsPathRooted(file)) return file;
        var relative = Path.GetRelativePath(root, file);
        return relative.StartsWith("..", StringComparison.Ordinal) ? file : relative;
    }

    // GitHub's workflow-command escaping: data escapes %, CR, LF; properties also ':' and ','.
    private static string EscapeData(string value) =>
        value.Replace("%", "%25", StringComparison.Ordinal).Replace("\r", "%0D", StringComparison.Ordinal).Replace("\n", "%0A", StringComparison.Ordinal);

    private static string EscapeProperty(string value) =>
        EscapeData(value).Replace(":", "%3A", StringComparison.Ordinal).Replace(",", "%2C", StringComparison.Ordinal);
}
