using Pipelines.Engine.Diagnostics;

namespace Pipelines.Engine.Binding;

/// <summary>Keeps path inputs inside the workspace, following symbolic links, so a pipeline cannot read /etc/passwd.</summary>
public static class WorkspacePaths
{
    public static string Resolve(string workspaceRoot, string relative, SourceLocation location)
    {
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(workspaceRoot));
        var full = Path.GetFullPath(Path.Combine(root, relative));
        if (!IsInside(root, full))
            throw new Binding.BindingException(location, DiagnosticCodes.PathEscapesWorkspace,
                $"path '{relative}' leaves the workspace {root}", relative);
        if (!File.Exists(full))
            throw new Binding.BindingException(location, DiagnosticCodes.PathNotFound, $"file '{relative}' does not exist in the workspace", relative);
        var target = new FileInfo(full).ResolveLinkTarget(returnFinalTarget: true);
        if (target is not null && !IsInside(root, Path.GetFullPath(target.FullName)))
            throw new Binding.BindingException(location, DiagnosticCodes.PathEscapesWorkspace,
                $"path '{relative}' is a link to {target.FullName}, outside the workspace", relative);
        return full;
    }

    private static bool IsInside(string root, string full) =>
        full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal);
}
