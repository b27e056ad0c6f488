using System.Text.RegularExpressions;
using Pipelines.Engine.Diagnostics;

namespace Pipelines.Studio;

/// <summary>
/// The pipeline files Studio may see and change: <c>*.yaml</c> directly in one directory, named by their
/// definition id (the file name without extension). Every path is built from a checked id and verified to
/// stay in that directory, so a save can never write anywhere else.
/// </summary>
public sealed partial class PipelineFiles(string directory)
{
    public string Directory { get; } = Path.GetFullPath(directory);

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_-]{0,99}$")]
    private static partial Regex DefinitionIdShape();

    public IReadOnlyList<string> DefinitionIds() =>
        System.IO.Directory.Exists(Directory)
            ? System.IO.Directory.GetFiles(Directory, "*.yaml").Select(Path.GetFileNameWithoutExtension).Where(n => n is not null && DefinitionIdShape().IsMatch(n))
                .Select(n => n!).Order(StringComparer.Ordinal).ToList()
            : [];

    public bool IsValidId(string definitionId) => DefinitionIdShape().IsMatch(definitionId);

    /// <summary>The file of a definition id; throws for an id that could name anything outside the directory.</summary>
    public string PathOf(string definitionId)
    {
        if (!IsValidId(definitionId))
            throw new PipelineValidationException(new Diagnostic(new SourceLocation(definitionId, 0, 0), ElsaWorkflowImporter.ErrorCode,
                "a definition id is letters, digits, '-' and '_', starting with a letter; it names a file in pipelines/"));
        var path = Path.GetFullPath(Path.Combine(Directory, definitionId + ".yaml"));
        if (!string.Equals(Path.GetDirectoryName(path), Directory.TrimEnd(Path.DirectorySeparatorChar), StringComparison.Ordinal))
            throw new InvalidOperationException($"'{definitionId}' does not name a file in {Directory}");
        // A link could point outside; only plain files are read or replaced.
        if (File.Exists(path) && new FileInfo(path).LinkTarget is not null)
            throw new InvalidOperationException($"{path} is a link; pipelines served to the designer must be plain files");
        return path;
    }

    public bool Exists(string definitionId) => IsValidId(definitionId) && File.Exists(PathOf(definitionId));

    /// <summary>Replaces the file atomically (write beside, then rename), so a reader never sees half a pipeline.</summary>
    public void Write(string definitionId, string text)
    {
        var path = PathOf(definitionId);
        System.IO.Directory.CreateDirectory(Directory);
        var temporary = path + ".save.tmp";
        File.WriteAllText(temporary, text);
        File.Move(temporary, path, overwrite: true);
    }

    public bool Delete(string definitionId)
    {
        if (!Exists(definitionId)) return false;
        var path = PathOf(definitionId);
        File.Delete(path);
        var sidecar = DesignerLayout.SidecarPath(path);
        if (File.Exists(sidecar)) File.Delete(sidecar);
        return true;
    }
}
