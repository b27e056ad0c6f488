namespace Pipelines.Steps.Tests.Support;

/// <summary>Finds files of the repository from the test's output directory.</summary>
public static class RepositoryFiles
{
    public static string Root
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Pipelines.sln"))) return dir.FullName;
            throw new DirectoryNotFoundException("Pipelines.sln not found above " + AppContext.BaseDirectory);
        }
    }

    public static string SampleKlines => Path.Combine(Root, "samples", "btcusdt-1m-2023-03-01-to-21.csv");
}
