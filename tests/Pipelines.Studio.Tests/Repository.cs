namespace Pipelines.Studio.Tests;

/// <summary>Paths in the repository the tests run from.</summary>
public static class Repository
{
    public static string Root { get; } = Find();

    public static string PipelinesDirectory => Path.Combine(Root, "pipelines");

    public static IEnumerable<string> ShippedPipelines() => Directory.GetFiles(PipelinesDirectory, "*.yaml").Order(StringComparer.Ordinal);

    private static string Find()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Pipelines.sln"))) return d.FullName;
        throw new InvalidOperationException("tests run inside the repository");
    }
}
