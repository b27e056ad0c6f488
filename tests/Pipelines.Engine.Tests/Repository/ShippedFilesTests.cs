using Pipelines.Engine.Tests.Support;

namespace Pipelines.Engine.Tests.Repository;

/// <summary>What ships in the repository stays consistent with the code that reads it.</summary>
public sealed class ShippedFilesTests
{
    private static readonly string[] ShippedPipelines =
        Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "pipelines"), "*.yaml").Order().ToArray();

    [Fact]
    public void Committed_schemas_and_step_docs_match_what_the_code_generates()
    {
        var run = CliRun.Invoke("-C", RepositoryPaths.Root, "schema", "--check");
        Assert.True(run.ExitCode == 0, "run 'pipelines schema' and commit: " + run.Output + run.Error);
    }

    [Fact]
    public void Shipped_pipelines_are_valid_and_in_canonical_form()
    {
        Assert.NotEmpty(ShippedPipelines);
        var validate = CliRun.Invoke(["-C", RepositoryPaths.Root, "validate", .. ShippedPipelines]);
        Assert.True(validate.ExitCode == 0, validate.Error);
        var fmt = CliRun.Invoke(["-C", RepositoryPaths.Root, "fmt", "--check", .. ShippedPipelines]);
        Assert.True(fmt.ExitCode == 0, fmt.Output + fmt.Error);
    }

    [Fact]
    public void Shipped_pipelines_point_editors_at_the_schema()
    {
        foreach (var file in ShippedPipelines)
            Assert.StartsWith("# yaml-language-server: $schema=../schemas/pipeline.schema.json", File.ReadAllText(file));
        Assert.StartsWith("# yaml-language-server: $schema=schemas/ml.schema.json", File.ReadAllText(Path.Combine(RepositoryPaths.Root, "ml.yaml")));
    }

    [Fact]
    public void The_repository_ml_yaml_is_accepted()
    {
        var settings = Pipelines.Engine.Settings.Workspace.LoadSettings(Path.Combine(RepositoryPaths.Root, "ml.yaml"));
        Assert.Equal(".pipelines", settings.Store.Path);
    }
}
