using Pipelines.Engine.Schema;

namespace Pipelines.Engine.Tests.Schema;

public sealed class SchemaFilesTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "pipelines-schemas-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public void WriteCreatesBothFilesAndCheckThenFindsNothingStale()
    {
        var catalog = TestCatalog.Create();
        var pipeline = Path.Combine(_directory, "pipeline.schema.json");
        var settings = Path.Combine(_directory, "ml.schema.json");
        Assert.Equal([pipeline, settings], SchemaFiles.Check(_directory, catalog));

        Assert.Equal([pipeline, settings], SchemaFiles.Write(_directory, catalog));
        Assert.Empty(SchemaFiles.Check(_directory, catalog));
        Assert.Empty(SchemaFiles.Write(_directory, catalog));
        Assert.Equal(JsonSchemaGenerator.Pipeline(catalog), File.ReadAllText(pipeline));
    }

    [Fact]
    public void CheckReportsAFileThatNoLongerMatchesTheCatalogue()
    {
        var catalog = TestCatalog.Create();
        SchemaFiles.Write(_directory, catalog);
        var smaller = new Pipelines.Engine.Catalog.StepCatalog().Add(typeof(KindsStep));
        Assert.Equal([Path.Combine(_directory, "pipeline.schema.json")], SchemaFiles.Check(_directory, smaller));

        File.AppendAllText(Path.Combine(_directory, "ml.schema.json"), " ");
        Assert.Equal([Path.Combine(_directory, "ml.schema.json")], SchemaFiles.Check(_directory, catalog));
    }
}
