namespace Pipelines.Service.Tests.Support;

/// <summary>A throwaway workspace directory (with ml.yaml) per test, deleted afterwards.</summary>
public sealed class TestWorkspace : IDisposable
{
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "pipelines-service-tests", Guid.NewGuid().ToString("N")[..12]);

    public TestWorkspace()
    {
        Directory.CreateDirectory(Root);
        File.WriteAllText(Path.Combine(Root, "ml.yaml"), "store:\n  path: .pipelines\n  lock_timeout: 2s\nlogging:\n  json_file: true\n");
    }

    public string StoreRoot => Path.Combine(Root, ".pipelines");

    public string Write(string relative, string text)
    {
        var path = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { } // a process under test may still hold a file for a moment
        catch (UnauthorizedAccessException) { }
    }
}
