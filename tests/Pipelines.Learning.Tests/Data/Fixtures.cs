using System.Globalization;
using Pipelines.Learning.Data;

namespace Pipelines.Learning.Tests.Data;

/// <summary>Locates the LightGBM reference fixtures and reads their plain-number outputs.</summary>
internal static class Fixtures
{
    private static readonly Lazy<string> Root = new(FindRoot);

    public static string LightGbm(string file) => Path.Combine(Root.Value, "tests", "fixtures", "lightgbm", file);

    public static DenseDataset ReadCsv(string file) => CsvDatasetReader.Read(LightGbm(file), "label");

    /// <summary>Rows of tab-separated numbers as LightGBM writes predictions.</summary>
    public static double[][] ReadTable(string file) =>
        File.ReadAllLines(LightGbm(file))
            .Where(l => l.Length > 0)
            .Select(l => l.Split('\t').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray())
            .ToArray();

    public static void AssertClose(double expected, double actual, double relative, string what)
    {
        double scale = Math.Max(1.0, Math.Abs(expected));
        Assert.True(Math.Abs(expected - actual) <= relative * scale, $"{what}: expected {expected:R}, got {actual:R}");
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Pipelines.sln"))) return dir.FullName;
        }
        throw new DirectoryNotFoundException($"No Pipelines.sln above {AppContext.BaseDirectory}.");
    }
}
