namespace Pipelines.Engine.Tests.Support;

/// <summary>A throwaway workspace directory (with ml.yaml) per test, deleted afterwards.</summary>
public sealed class TestWorkspace : IDisposable
{
    public string Root { get; }

    public TestWorkspace(string? mlYaml = null)
    {
        Root = Path.Combine(Path.GetTempPath(), "pipelines-tests", Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Root);
        File.WriteAllText(Path.Combine(Root, "ml.yaml"), mlYaml ?? "store:\n  path: .pipelines\n  lock_timeout: 2s\nlogging:\n  json_file: true\n");
    }

    public string StoreRoot => Path.Combine(Root, ".pipelines");

    public string Write(string relative, string text)
    {
        var path = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    public string WriteBytes(string relative, byte[] bytes)
    {
        var path = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public void Dispose()
    {
        try
        {
            foreach (var file in Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories))
                File.SetAttributes(file, FileAttributes.Normal);
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A process under test may still hold a file for a moment; the temp directory is cleaned by the OS.
        }
    }
}
