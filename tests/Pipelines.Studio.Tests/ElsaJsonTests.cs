using System.Text.Json.Nodes;
using Pipelines.Cli;
using Pipelines.Engine.Diagnostics;
using Pipelines.Engine.Parsing;

namespace Pipelines.Studio.Tests;

public sealed class ElsaJsonTests
{
    private const string Schema = "../schemas/pipeline.schema.json";
    private static readonly Pipelines.Engine.Catalog.StepCatalog Catalog = StepCatalogFactory.Create();

    private const string Diamond = """
        # yaml-language-server: $schema=../schemas/pipeline.schema.json
        name: diamond
        params:
          # a comment on a parameter
          limit: 10
          label: '007'
        steps:
          - id: load
            uses: ingest/csv
            with:
              path: data/x.csv

          - id: left
            uses: transform/sql
            with:
              tables:
                t: ${{ steps.load.outputs.table }}
              sql: SELECT * FROM t LIMIT ${{ params.limit }}

          - id: right
            uses: transform/sql
            with:
              # the right side
              tables:
                t: ${{ steps.load.outputs.table }}
              sql: SELECT 2 FROM t

          - id: join
            uses: transform/sql
            needs: [right]
            with:
              tables:
                l: ${{ steps.left.outputs.table }}
              sql: SELECT * FROM l

        """;

    private static JsonObject Export(string text, string name = "diamond") =>
        ElsaWorkflowExporter.Export(PipelineParser.ParseText(name + ".yaml", text), Catalog, name,
            new Dictionary<string, DesignerPosition>(), DateTimeOffset.UnixEpoch);

    private static string Import(JsonObject definition, string? original = null) =>
        ElsaWorkflowImporter.Import(definition, Catalog, original, "diamond.yaml", Schema).Yaml;

    public static TheoryData<string> ShippedPipelines() => new(Repository.ShippedPipelines().Select(Path.GetFileName)!);

    [Theory]
    [MemberData(nameof(ShippedPipelines))]
    public void Every_shipped_pipeline_survives_yaml_to_json_to_yaml_byte_for_byte(string file)
    {
        var path = Path.Combine(Repository.PipelinesDirectory, file);
        var text = File.ReadAllText(path);
        var definition = ElsaWorkflowExporter.Export(PipelineParser.ParseText(path, text), Catalog, Path.GetFileNameWithoutExtension(file),
            new Dictionary<string, DesignerPosition>(), DateTimeOffset.UnixEpoch);
        // Through text, as a file on disk would carry it.
        var reread = (JsonObject)JsonNode.Parse(definition.ToJsonString())!;
        Assert.Equal(text, ElsaWorkflowImporter.Import(reread, Catalog, null, path, Schema).Yaml);
    }

    [Fact]
    public void Export_has_one_activity_per_step_and_a_connection_per_dependency()
    {
        var definition = Export(Diamond);
        Assert.Equal("Elsa.Flowchart", definition["root"]!["type"]!.GetValue<string>());
        var activities = definition["root"]!["activities"]!.AsArray();
        Assert.Equal(["load", "left", "right", "join"], activities.Select(a => a!["id"]!.GetValue<string>()));
        Assert.Equal(["Pipelines.Ingest.Csv", "Pipelines.Transform.Sql", "Pipelines.Transform.Sql", "Pipelines.Transform.Sql"],
            activities.Select(a => a!["type"]!.GetValue<string>()));
        // Edges by hand: load feeds left and right through references; join needs right and reads left.
        var edges = definition["root"]!["connections"]!.AsArray()
            .Select(c => $"{c!["source"]!["activity"]}->{c["target"]!["activity"]}:{c["source"]!["port"]}/{c["target"]!["port"]}").Order();
        Assert.Equal(["left->join:Done/In", "load->left:Done/In", "load->right:Done/In", "right->join:Done/In"], edges);
        var sql = activities[1]!["sql"]!;
        Assert.Equal("String", sql["typeName"]!.GetValue<string>());
        Assert.Equal("Literal", sql["expression"]!["type"]!.GetValue<string>());
        Assert.Equal("SELECT * FROM t LIMIT ${{ params.limit }}", sql["expression"]!["value"]!.GetValue<string>());
        Assert.Equal("Object", activities[1]!["tables"]!["typeName"]!.GetValue<string>());
    }

    [Fact]
    public void Positions_are_a_layered_layout_by_dependency_level()
    {
        var activities = Export(Diamond)["root"]!["activities"]!.AsArray();
        (double, double) At(int i) => (activities[i]!["metadata"]!["designer"]!["position"]!["x"]!.GetValue<double>(),
            activities[i]!["metadata"]!["designer"]!["position"]!["y"]!.GetValue<double>());
        // Levels: load 0; left, right 1 (stacked in file order); join 2.
        Assert.Equal((0d, 0d), At(0));
        Assert.Equal((DesignerLayout.ColumnWidth, 0d), At(1));
        Assert.Equal((DesignerLayout.ColumnWidth, DesignerLayout.RowHeight), At(2));
        Assert.Equal((2 * DesignerLayout.ColumnWidth, 0d), At(3));
    }

    [Fact]
    public void Round_trip_keeps_comments_quotes_and_explicit_needs()
    {
        Assert.Equal(Diamond, Import(Export(Diamond)));
    }

    [Fact]
    public void Changing_one_input_changes_exactly_that_line()
    {
        var definition = Export(Diamond);
        definition["root"]!["activities"]![2]!["sql"]!["expression"]!["value"] = "SELECT 3 FROM t";
        var expected = Diamond.Replace("sql: SELECT 2 FROM t", "sql: SELECT 3 FROM t");
        Assert.Equal(expected, Import(definition));
    }

    [Fact]
    public void Activities_reordered_by_the_designer_keep_the_file_step_order()
    {
        var definition = Export(Diamond);
        var activities = definition["root"]!["activities"]!.AsArray();
        var first = activities[0]!;
        activities.RemoveAt(0);
        activities.Add(first);
        Assert.Equal(Diamond, Import(definition));
    }

    [Fact]
    public void Moved_positions_leave_the_yaml_unchanged_and_are_reported_for_the_sidecar()
    {
        var definition = Export(Diamond);
        definition["root"]!["activities"]![3]!["metadata"]!["designer"]!["position"] = new JsonObject { ["x"] = 900.5, ["y"] = -40 };
        var result = ElsaWorkflowImporter.Import(definition, Catalog, null, "diamond.yaml", Schema);
        Assert.Equal(Diamond, result.Yaml);
        Assert.Equal(new DesignerPosition(900.5, -40), result.Positions["join"]);
        Assert.Equal(new DesignerPosition(2 * DesignerLayout.ColumnWidth, 0), result.DefaultPositions["join"]);
    }

    [Fact]
    public void Sidecar_holds_moved_positions_and_disappears_when_they_are_the_default_again()
    {
        var directory = Directory.CreateTempSubdirectory("pipelines-layout-");
        try
        {
            var file = Path.Combine(directory.FullName, "diamond.yaml");
            var defaults = new Dictionary<string, DesignerPosition> { ["a"] = new(0, 0), ["b"] = new(320, 0) };
            var moved = new Dictionary<string, DesignerPosition> { ["a"] = new(0, 0), ["b"] = new(10, 500) };
            DesignerLayout.Write(file, moved, defaults);
            Assert.Equal(Path.Combine(directory.FullName, ".layout", "diamond.json"), DesignerLayout.SidecarPath(file));
            Assert.Equal(moved, DesignerLayout.Read(file));
            DesignerLayout.Write(file, defaults, defaults);
            Assert.False(File.Exists(DesignerLayout.SidecarPath(file)));
            Assert.Empty(DesignerLayout.Read(file));
        }
        finally { directory.Delete(recursive: true); }
    }

    [Fact]
    public void Saved_positions_are_exported()
    {
        var positions = new Dictionary<string, DesignerPosition> { ["left"] = new(11, 22) };
        var definition = ElsaWorkflowExporter.Export(PipelineParser.ParseText("diamond.yaml", Diamond), Catalog, "diamond", positions, DateTimeOffset.UnixEpoch);
        var position = definition["root"]!["activities"]![1]!["metadata"]!["designer"]!["position"]!;
        Assert.Equal(11, position["x"]!.GetValue<double>());
        Assert.Equal(22, position["y"]!.GetValue<double>());
    }

    [Fact]
    public void Each_schedule_is_drawn_as_an_elsa_cron_trigger_wired_to_the_first_steps()
    {
        var withSchedules = Diamond.Replace("params:\n",
            "on:\n  schedule:\n    - cron: 0 3 * * MON\n      timezone: Europe/London\n    - cron: '*/5 * * * * *'\nparams:\n");
        var definition = Export(withSchedules);
        var crons = definition["root"]!["activities"]!.AsArray().Where(a => (string?)a!["type"] == "Elsa.Cron").ToList();
        Assert.Equal(["0 3 * * MON", "*/5 * * * * *"], crons.Select(c => (string?)c!["cronExpression"]!["expression"]!["value"]));
        Assert.Equal(["Europe/London", "UTC"], crons.Select(c => (string?)c!["customProperties"]!["timeZone"]));
        var fromFirst = definition["root"]!["connections"]!.AsArray()
            .Where(c => (string?)c!["source"]!["activity"] == "schedule-1").Select(c => (string?)c!["target"]!["activity"]);
        Assert.Equal(["load"], fromFirst);
        Assert.Contains(ActivityDescriptors.All(Catalog), d => (string?)d!["typeName"] == "Elsa.Cron" && (string?)d["kind"] == "Trigger");
    }

    [Fact]
    public void A_cron_edited_or_deleted_in_the_designer_leaves_the_yaml_schedule_as_the_file_has_it()
    {
        var withSchedule = Diamond.Replace("params:\n", "on:\n  schedule:\n    - cron: 0 3 * * MON\nparams:\n");
        var definition = Export(withSchedule);
        var cron = definition["root"]!["activities"]!.AsArray().Single(a => (string?)a!["type"] == "Elsa.Cron")!;
        cron["cronExpression"]!["expression"]!["value"] = "0 4 * * *";
        Assert.Equal(withSchedule, Import(definition));

        // Deleting a node in the designer deletes its connections with it.
        definition["root"]!["activities"]!.AsArray().Remove(cron);
        var connections = definition["root"]!["connections"]!.AsArray();
        foreach (var connection in connections.Where(c => (string?)c!["source"]!["activity"] == "schedule-1").ToList()) connections.Remove(connection);
        Assert.Equal(withSchedule, Import(definition));
    }

    [Fact]
    public void A_save_from_the_designer_keeps_the_triggers_it_does_not_show()
    {
        var withTriggers = Diamond.Replace("params:\n", "on:\n  schedule:\n    - cron: 0 3 * * MON\nconcurrency: forbid\nparams:\n");
        Assert.Contains("concurrency: forbid", withTriggers);
        Assert.Equal(withTriggers, Import(Export(withTriggers)));
    }

    [Fact]
    public void Without_the_carried_source_the_meaning_is_rebuilt_from_the_definition_alone()
    {
        var definition = Export(Diamond);
        definition["customProperties"]!.AsObject().Remove("pipelines");
        var rebuilt = PipelineParser.ParseText("diamond.yaml", Import(definition));
        var original = PipelineParser.ParseText("diamond.yaml", Diamond);
        Assert.True(JsonNode.DeepEquals(YamlJson.ToJson(original.Root), YamlJson.ToJson(rebuilt.Root)));
        // "007" must stay text; plain it would read as the number 7.
        Assert.Contains("label: '007'", Import(definition));
    }

    [Fact]
    public void A_connection_drawn_in_the_designer_becomes_needs_and_a_removed_one_drops_it()
    {
        var definition = Export(Diamond);
        var connections = definition["root"]!["connections"]!.AsArray();
        connections.Add(new JsonObject
        {
            ["source"] = new JsonObject { ["activity"] = "left", ["port"] = "Done" },
            ["target"] = new JsonObject { ["activity"] = "right", ["port"] = "In" },
        });
        var removed = connections.First(c => c!["source"]!["activity"]!.GetValue<string>() == "right");
        connections.Remove(removed);
        var yaml = Import(definition);
        var pipeline = PipelineParser.ParseText("diamond.yaml", yaml);
        Assert.Equal(["left"], pipeline.FindStep("right")!.Needs.Select(n => n.Value));
        Assert.Empty(pipeline.FindStep("join")!.Needs);
    }

    [Fact]
    public void Start_and_end_nodes_are_decoration_and_defaults_filled_in_by_studio_stay_unset()
    {
        var definition = Export(Diamond);
        var activities = definition["root"]!["activities"]!.AsArray();
        activities.Add(new JsonObject { ["id"] = "s1", ["name"] = "Start1", ["type"] = "Elsa.Start", ["version"] = 1 });
        definition["root"]!["connections"]!.AsArray().Add(new JsonObject
        {
            ["source"] = new JsonObject { ["activity"] = "s1", ["port"] = "Done" },
            ["target"] = new JsonObject { ["activity"] = "load", ["port"] = "In" },
        });
        // Studio writes every input of the descriptor; ones left at their default or empty must not appear in the file.
        var csv = Catalog.Find("ingest/csv")!;
        foreach (var input in csv.Inputs.Where(i => i.Name != "path"))
            activities[0]![ElsaNames.Camel(input.Property.Name)] = new JsonObject
            {
                ["typeName"] = ElsaNames.TypeAlias(input.Type.Kind),
                ["expression"] = new JsonObject { ["type"] = "Literal", ["value"] = ActivityDescriptors.DefaultText(input) ?? "" },
            };
        Assert.Equal(Diamond, Import(definition));
    }

    [Fact]
    public void An_unknown_activity_type_is_rejected_naming_the_activity()
    {
        var definition = Export(Diamond);
        definition["root"]!["activities"]![1]!["type"] = "Elsa.WriteLine";
        var error = Assert.Throws<PipelineValidationException>(() => Import(definition));
        Assert.Contains("activity 'left' has type 'Elsa.WriteLine'", error.Message);
    }

    [Fact]
    public void Invalid_json_typed_into_a_structured_input_is_rejected_naming_step_and_input()
    {
        var definition = Export(Diamond);
        definition["root"]!["activities"]![1]!["tables"]!["expression"]!["value"] = "{\"t\": ";
        var error = Assert.Throws<PipelineValidationException>(() => Import(definition));
        Assert.Contains("step 'left' input 'tables' is not valid JSON", error.Message);
    }

    [Fact]
    public void A_non_literal_expression_is_rejected()
    {
        var definition = Export(Diamond);
        definition["root"]!["activities"]![1]!["sql"]!["expression"]!["type"] = "JavaScript";
        var error = Assert.Throws<PipelineValidationException>(() => Import(definition));
        Assert.Contains("step 'left' input 'sql' uses a JavaScript expression", error.Message);
    }
}
