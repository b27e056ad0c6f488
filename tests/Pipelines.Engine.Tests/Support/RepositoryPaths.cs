namespace Pipelines.Engine.Tests.Support;

public static class RepositoryPaths
{
    /// <summary>The repository root: the directory holding Pipelines.sln, found upwards from the test binaries.</summary>
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Pipelines.sln"))) return d.FullName;
        throw new InvalidOperationException("Pipelines.sln not found above " + AppContext.BaseDirectory);
    }

    public static string SampleBars => Path.Combine(Root, "samples", "btcusdt-1m-2023-03-01-to-21.csv");
}
