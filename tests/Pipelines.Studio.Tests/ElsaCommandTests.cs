using System.Text.Json.Nodes;
using Pipelines.Cli;

namespace Pipelines.Studio.Tests;

public sealed class ElsaCommandTests
{
    private static async Task<(int Code, string Output, string Error)> Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await PipelinesCli.RunAsync(args, output, error, CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Export_then_import_to_a_copy_gives_the_same_file_and_moved_positions_land_in_the_sidecar()
    {
        var directory = Directory.CreateTempSubdirectory("pipelines-elsa-cli-");
        try
        {
            var shipped = Repository.ShippedPipelines().First();
            var json = Path.Combine(directory.FullName, "def.json");
            var (code, _, error) = await Run("--workspace", Repository.Root, "export-elsa", shipped, "--out", json);
            Assert.True(code == ExitCodes.Success, error);

            var definition = JsonNode.Parse(File.ReadAllText(json))!.AsObject();
            var first = definition["root"]!["activities"]![0]!;
            first["metadata"]!["designer"]!["position"] = new JsonObject { ["x"] = 1234, ["y"] = 56 };
            File.WriteAllText(json, definition.ToJsonString());

            // A copy inside the workspace's pipelines directory, so the schema path and validation are the real ones.
            var target = Path.Combine(Repository.PipelinesDirectory, $"elsa-cli-test-{Guid.NewGuid():N}.yaml");
            try
            {
                (code, _, error) = await Run("--workspace", Repository.Root, "import-elsa", json, "--out", target);
                Assert.True(code == ExitCodes.Success, error);
                Assert.Equal(File.ReadAllText(shipped), File.ReadAllText(target));
                var positions = DesignerLayout.Read(target);
                Assert.Equal(new DesignerPosition(1234, 56), positions[first["id"]!.GetValue<string>()]);
            }
            finally
            {
                File.Delete(target);
                File.Delete(DesignerLayout.SidecarPath(target));
                var layoutDirectory = Path.GetDirectoryName(DesignerLayout.SidecarPath(target))!;
                if (Directory.Exists(layoutDirectory) && !Directory.EnumerateFileSystemEntries(layoutDirectory).Any()) Directory.Delete(layoutDirectory);
            }
        }
        finally { directory.Delete(recursive: true); }
    }

    [Fact]
    public async Task Import_of_a_definition_that_does_not_compile_fails_with_invalid_input()
    {
        var directory = Directory.CreateTempSubdirectory("pipelines-elsa-cli-");
        try
        {
            var json = Path.Combine(directory.FullName, "def.json");
            var (code, output, error) = await Run("--workspace", Repository.Root, "export-elsa", Repository.ShippedPipelines().First());
            Assert.True(code == ExitCodes.Success, error);
            var definition = JsonNode.Parse(output)!.AsObject();
            definition["root"]!["connections"]!.AsArray().Clear();
            var activity = definition["root"]!["activities"]![1]!;
            activity["tables"]!["expression"]!["value"] = "{\"bars\": \"${{ steps.no-such-step.outputs.table }}\"}";
            File.WriteAllText(json, definition.ToJsonString());
            (code, _, error) = await Run("--workspace", Repository.Root, "import-elsa", json);
            Assert.Equal(ExitCodes.InvalidInput, code);
            Assert.Contains("no-such-step", error);
        }
        finally { directory.Delete(recursive: true); }
    }
}
