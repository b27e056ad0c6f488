namespace Pipelines.Studio.Tests;

/// <summary>A throwaway workspace holding copies of the shipped pipelines, schemas and samples, so tests can change files freely.</summary>
public sealed class TemporaryWorkspace : IDisposable
{
    public string Root { get; } = Directory.CreateTempSubdirectory("pipelines-studio-").FullName;
    public string Pipelines => Path.Combine(Root, "pipelines");

    public TemporaryWorkspace()
    {
        foreach (var folder in new[] { "pipelines", "schemas", "samples" })
            Copy(Path.Combine(Repository.Root, folder), Path.Combine(Root, folder));
        File.Copy(Path.Combine(Repository.Root, "ml.yaml"), Path.Combine(Root, "ml.yaml"));
    }

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var directory in Directory.GetDirectories(from)) Copy(directory, Path.Combine(to, Path.GetFileName(directory)));
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
