using Pipelines.Engine.Catalog;
using Pipelines.Steps.Ingest;

namespace Pipelines.Engine.Tests.Schema;

internal static class TestCatalog
{
    /// <summary>The shipped general steps plus <see cref="KindsStep"/>.</summary>
    public static StepCatalog Create() => new StepCatalog().AddAssembly(typeof(CsvIngestStep).Assembly).Add(typeof(KindsStep));
}
