using Spectre.Console;

namespace Pipelines.Cli.Output;

/// <summary>Spectre consoles over a given writer, so commands print to whatever stream a caller (or a test) supplies.</summary>
public static class Consoles
{
    public static IAnsiConsole For(TextWriter writer)
    {
        var isTerminal = ReferenceEquals(writer, Console.Out) && !Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = isTerminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = isTerminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = isTerminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        // Logs and pipes have no width; wrapping at 80 columns would split every row of a table.
        if (!isTerminal) console.Profile.Width = 240;
        return console;
    }

    public static bool IsInteractive(TextWriter writer) => ReferenceEquals(writer, Console.Out) && !Console.IsOutputRedirected;
}
