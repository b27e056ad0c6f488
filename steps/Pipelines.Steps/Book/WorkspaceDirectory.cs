using Pipelines.Abstractions;

namespace Pipelines.Steps.Book;

/// <summary>A directory named relative to the workspace, refused when it would lie outside it.</summary>
internal static class WorkspaceDirectory
{
    public static string Resolve(IStepContext context, string input, string relative)
    {
        if (string.IsNullOrWhiteSpace(relative)) throw new StepInputException(input, "give a directory inside the workspace, e.g. data/book");
        if (Path.IsPathRooted(relative)) throw new StepInputException(input, $"'{relative}' is absolute; give a directory relative to the workspace");
        var root = Path.GetFullPath(context.WorkspaceRoot);
        var full = Path.GetFullPath(Path.Combine(root, relative));
        if (!full.StartsWith(root.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new StepInputException(input, $"'{relative}' lies outside the workspace");
        return full;
    }
}
