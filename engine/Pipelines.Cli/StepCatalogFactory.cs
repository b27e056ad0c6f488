using Pipelines.Engine.Catalog;
using Pipelines.Steps.Ingest;

namespace Pipelines.Cli;

/// <summary>The one place that names the assemblies contributing step types; the engine itself names none.</summary>
public static class StepCatalogFactory
{
    public static StepCatalog Create() => new StepCatalog().AddAssembly(typeof(CsvIngestStep).Assembly);
}
