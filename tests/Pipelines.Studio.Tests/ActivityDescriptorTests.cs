using System.Text.Json.Nodes;
using Pipelines.Cli;
using Pipelines.Engine.Parsing;

namespace Pipelines.Studio.Tests;

public sealed class ActivityDescriptorTests
{
    private static readonly Pipelines.Engine.Catalog.StepCatalog Catalog = StepCatalogFactory.Create();
    private static readonly JsonArray Descriptors = ActivityDescriptors.All(Catalog);

    private static JsonObject Find(string typeName) =>
        Descriptors.OfType<JsonObject>().Single(d => d["typeName"]!.GetValue<string>() == typeName);

    [Fact]
    public void Every_step_type_has_exactly_one_descriptor_and_the_designer_nodes_have_theirs()
    {
        var keys = Descriptors.Select(d => (d!["typeName"]!.GetValue<string>(), d["version"]!.GetValue<int>())).ToList();
        // Studio indexes descriptors by (typeName, version) with ToDictionary; a duplicate would break the designer.
        Assert.Equal(keys.Count, keys.Distinct().Count());
        foreach (var step in Catalog.All) Assert.Contains((ElsaNames.ActivityType(step.TypeName), step.Version), keys);
        Assert.Equal(Catalog.All.Count() + 4, keys.Count);
        Assert.True(Find("Elsa.Flowchart")["isContainer"]!.GetValue<bool>());
        Assert.True(Find("Elsa.Start")["isStart"]!.GetValue<bool>());
        Assert.True(Find("Elsa.End")["isTerminal"]!.GetValue<bool>());
        Assert.Empty(Find("Elsa.End")["ports"]!.AsArray());
        Assert.Equal("Trigger", Find("Elsa.Cron")["kind"]!.GetValue<string>());
    }

    [Fact]
    public void A_step_descriptor_carries_the_step_attributes_inputs_and_a_done_port()
    {
        var sql = Find("Pipelines.Transform.Sql");
        var step = Catalog.Find("transform/sql")!;
        Assert.Equal(step.DisplayName, sql["displayName"]!.GetValue<string>());
        Assert.Equal(step.Category, sql["category"]!.GetValue<string>());
        Assert.Equal(step.Description, sql["description"]!.GetValue<string>());
        Assert.Equal("transform/sql", sql["customProperties"]!["stepType"]!.GetValue<string>());
        var input = sql["inputs"]!.AsArray().Single(i => i!["name"]!.GetValue<string>() == "Sql")!;
        Assert.Equal("code-editor", input["uiHint"]!.GetValue<string>());
        Assert.Equal("String", input["typeName"]!.GetValue<string>());
        var tables = sql["inputs"]!.AsArray().Single(i => i!["name"]!.GetValue<string>() == "Tables")!;
        Assert.Equal("Object", tables["typeName"]!.GetValue<string>());
        Assert.Equal(step.Inputs.Count, sql["inputs"]!.AsArray().Count);
        Assert.Equal(step.Outputs.Count, sql["outputs"]!.AsArray().Count);
        var port = Assert.Single(sql["ports"]!.AsArray())!;
        Assert.Equal("Done", port["name"]!.GetValue<string>());
        Assert.Equal("Flow", port["type"]!.GetValue<string>());
    }

    [Fact]
    public void Defaults_are_shown_as_the_yaml_would_spell_them()
    {
        foreach (var step in Catalog.All)
            foreach (var input in step.Inputs.Where(i => i.DefaultValue is bool))
                Assert.Contains(ActivityDescriptors.DefaultText(input), new[] { "true", "false" });
    }

    [Fact]
    public void Every_input_key_of_every_exported_activity_is_a_descriptor_input()
    {
        foreach (var file in Repository.ShippedPipelines())
        {
            var definition = ElsaWorkflowExporter.Export(PipelineParser.ParseFile(file), Catalog, "x", new Dictionary<string, DesignerPosition>(), DateTimeOffset.UnixEpoch);
            foreach (var activity in definition["root"]!["activities"]!.AsArray().OfType<JsonObject>())
            {
                var descriptor = Find(activity["type"]!.GetValue<string>());
                var inputKeys = descriptor["inputs"]!.AsArray().Select(i => ElsaNames.Camel(i!["name"]!.GetValue<string>())).ToHashSet();
                foreach (var (key, _) in activity)
                    if (key is not ("id" or "nodeId" or "name" or "type" or "version" or "customProperties" or "metadata"))
                        Assert.Contains(key, inputKeys);
            }
        }
    }
}
