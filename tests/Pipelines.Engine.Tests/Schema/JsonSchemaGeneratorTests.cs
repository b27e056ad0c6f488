using Pipelines.Cli;
using System.Text.Json;
using System.Text.RegularExpressions;
using Pipelines.Engine.Model;
using Pipelines.Engine.Parsing;
using Pipelines.Engine.Schema;

namespace Pipelines.Engine.Tests.Schema;

public class JsonSchemaGeneratorTests
{
    private static readonly string PipelineText = JsonSchemaGenerator.Pipeline(TestCatalog.Create());
    private static readonly JsonElement Pipeline = JsonDocument.Parse(PipelineText).RootElement;
    private static readonly JsonElement Settings = JsonDocument.Parse(JsonSchemaGenerator.Settings()).RootElement;

    private static JsonElement Step => Pipeline.GetProperty("definitions").GetProperty("step");

    private static string[] Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToArray();

    private static string[] Keys(JsonElement obj) => obj.EnumerateObject().Select(p => p.Name).ToArray();

    private static JsonElement With(string typeName) =>
        Step.GetProperty("allOf").EnumerateArray()
            .Single(rule => rule.GetProperty("if").GetProperty("properties").GetProperty("uses").GetProperty("const").GetString() == typeName)
            .GetProperty("then").GetProperty("properties").GetProperty("with");

    [Fact]
    public void IsDeterministicDraft07WithATrailingNewline()
    {
        Assert.Equal(PipelineText, JsonSchemaGenerator.Pipeline(TestCatalog.Create()));
        Assert.Equal(JsonSchemaGenerator.Settings(), JsonSchemaGenerator.Settings());
        Assert.EndsWith("}\n", PipelineText);
        Assert.Equal("http://json-schema.org/draft-07/schema#", Pipeline.GetProperty("$schema").GetString());
        Assert.Equal("http://json-schema.org/draft-07/schema#", Settings.GetProperty("$schema").GetString());
    }

    [Fact]
    public void RootAndStepAcceptExactlyTheKeysTheParserAccepts()
    {
        Assert.False(Pipeline.GetProperty("additionalProperties").GetBoolean());
        Assert.Equal(PipelineParser.RootKeys, Keys(Pipeline.GetProperty("properties")));
        Assert.Equal(["name", "steps"], Strings(Pipeline.GetProperty("required")));
        Assert.Equal(1, Pipeline.GetProperty("properties").GetProperty("steps").GetProperty("minItems").GetInt32());

        Assert.False(Step.GetProperty("additionalProperties").GetBoolean());
        Assert.Equal(PipelineParser.StepKeys, Keys(Step.GetProperty("properties")));
        Assert.Equal(["id", "uses"], Strings(Step.GetProperty("required")));
        Assert.Equal("^[A-Za-z][A-Za-z0-9_-]*$", Step.GetProperty("properties").GetProperty("id").GetProperty("pattern").GetString());
        var retry = Step.GetProperty("properties").GetProperty("retry").GetProperty("anyOf");
        Assert.Equal(PipelineParser.RetryKeys, Keys(retry[1].GetProperty("properties")));
        Assert.Equal(100, retry[0].GetProperty("maximum").GetInt32());
    }

    [Fact]
    public void UsesListsEveryStepTypeAndEachHasItsInputRule()
    {
        var catalog = TestCatalog.Create();
        var names = catalog.All.Select(d => d.TypeName).ToArray();
        Assert.Equal(StepCatalogFactory.Create().All.Select(d => d.TypeName).Append("test/kinds").Order(StringComparer.Ordinal), names);
        Assert.Equal(names, Strings(Step.GetProperty("properties").GetProperty("uses").GetProperty("enum")));
        foreach (var descriptor in catalog.All)
        {
            var with = With(descriptor.TypeName);
            Assert.False(with.GetProperty("additionalProperties").GetBoolean());
            Assert.Equal(descriptor.Inputs.Select(i => i.Name), Keys(with.GetProperty("properties")));
            Assert.Equal(descriptor.Inputs.Where(i => i.IsRequired).Select(i => i.Name), with.TryGetProperty("required", out var required) ? Strings(required) : []);
            foreach (var input in descriptor.Inputs)
                Assert.Equal(input.Description, with.GetProperty("properties").GetProperty(input.Name).GetProperty("description").GetString());
        }
        Assert.Equal(["path"], Strings(With("ingest/csv").GetProperty("required")));
        Assert.Equal(["tables", "sql"], Strings(With("transform/sql").GetProperty("required")));
    }

    [Fact]
    public void MapsEachKindAndAcceptsExpressionsWhereTheTypeIsOnlyKnownLater()
    {
        var inputs = With("test/kinds").GetProperty("properties");
        const string expression = "\\$\\{\\{";
        Assert.Equal(expression, inputs.GetProperty("table").GetProperty("pattern").GetString());
        Assert.Equal("string", inputs.GetProperty("table").GetProperty("type").GetString());

        void TypedOrExpression(string name, string type)
        {
            var anyOf = inputs.GetProperty(name).GetProperty("anyOf");
            Assert.Equal(type, anyOf[0].GetProperty("type").GetString());
            Assert.Equal(expression, anyOf[1].GetProperty("pattern").GetString());
        }
        TypedOrExpression("count", "integer");
        TypedOrExpression("fraction", "number");
        TypedOrExpression("shuffle", "boolean");
        TypedOrExpression("wait", "string");
        TypedOrExpression("columns", "array");
        TypedOrExpression("weights", "object");
        Assert.Equal(["long_only", "short_only", "both"], Strings(inputs.GetProperty("side").GetProperty("anyOf")[0].GetProperty("enum")));
        Assert.Equal("string", inputs.GetProperty("source").GetProperty("type").GetString());
        Assert.Equal("string", inputs.GetProperty("label").GetProperty("type").GetString());
        Assert.Equal("number", inputs.GetProperty("weights").GetProperty("anyOf")[0].GetProperty("additionalProperties").GetProperty("anyOf")[0].GetProperty("type").GetString());
        Assert.Equal("string", inputs.GetProperty("columns").GetProperty("anyOf")[0].GetProperty("items").GetProperty("type").GetString());

        var limits = inputs.GetProperty("limits");
        Assert.Equal("object", limits.GetProperty("type").GetString());
        Assert.False(limits.GetProperty("additionalProperties").GetBoolean());
        Assert.Equal(["min"], Strings(limits.GetProperty("required")));
    }

    [Fact]
    public void DefaultsAreTheDescriptorDefaultsAsYamlWritesThem()
    {
        var inputs = With("test/kinds").GetProperty("properties");
        // Initializers in KindsInputs: 0.25, true, 90 minutes, LongOnly, "none", [a, b], { Min = 1 } with Max's 10.
        Assert.Equal(0.25, inputs.GetProperty("fraction").GetProperty("default").GetDouble());
        Assert.True(inputs.GetProperty("shuffle").GetProperty("default").GetBoolean());
        Assert.Equal("1h30m", inputs.GetProperty("wait").GetProperty("default").GetString());
        Assert.Equal("long_only", inputs.GetProperty("side").GetProperty("default").GetString());
        Assert.Equal("none", inputs.GetProperty("label").GetProperty("default").GetString());
        Assert.Equal(["a", "b"], Strings(inputs.GetProperty("columns").GetProperty("default")));
        Assert.Equal("""{"min":1,"max":10}""", inputs.GetProperty("limits").GetProperty("default").GetRawText().Replace(" ", "").Replace("\n", ""));
        Assert.False(inputs.GetProperty("count").TryGetProperty("default", out _), "a required input has no default");
        Assert.False(inputs.GetProperty("weights").TryGetProperty("default", out _), "an absent optional input has no default");

        var csv = With("ingest/csv").GetProperty("properties");
        Assert.True(csv.GetProperty("header").GetProperty("default").GetBoolean());
        Assert.Equal(",", csv.GetProperty("delimiter").GetProperty("default").GetString());
    }

    [Theory]
    [InlineData("30s")]
    [InlineData("250ms")]
    [InlineData("1h30m")]
    [InlineData("1.5h")]
    [InlineData("2d")]
    [InlineData("30")]
    [InlineData("5 m")]
    [InlineData("m")]
    [InlineData("1x")]
    [InlineData("")]
    public void DurationPatternAcceptsWhatTheEngineParses(string text)
    {
        Assert.Equal(DurationText.TryParse(text, out _), Regex.IsMatch(text, JsonSchemaGenerator.DurationPattern));
    }

    [Fact]
    public void SettingsSchemaDescribesEverySectionWithItsDefaults()
    {
        Assert.False(Settings.GetProperty("additionalProperties").GetBoolean());
        var sections = Settings.GetProperty("properties");
        Assert.Equal(["store", "engine", "registry", "logging", "drift", "notify", "monitor", "retention", "cluster"], Keys(sections));
        foreach (var section in sections.EnumerateObject().Where(s => s.Name != "notify"))
            Assert.False(section.Value.GetProperty("additionalProperties").GetBoolean());
        // notify: is a list of sinks, each closed to unknown keys like a section.
        var sink = sections.GetProperty("notify").GetProperty("anyOf")[0].GetProperty("items");
        Assert.False(sink.GetProperty("additionalProperties").GetBoolean());
        Assert.Equal(["events"], sink.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        // Defaults from the settings records: .pipelines, 30 seconds, one hour, Information, JSON file on.
        Assert.Equal(".pipelines", sections.GetProperty("store").GetProperty("properties").GetProperty("path").GetProperty("default").GetString());
        Assert.Equal("30s", sections.GetProperty("store").GetProperty("properties").GetProperty("lock_timeout").GetProperty("default").GetString());
        Assert.Equal("1h", sections.GetProperty("engine").GetProperty("properties").GetProperty("step_timeout").GetProperty("default").GetString());
        Assert.Equal("information", sections.GetProperty("logging").GetProperty("properties").GetProperty("level").GetProperty("default").GetString());
        Assert.True(sections.GetProperty("logging").GetProperty("properties").GetProperty("json_file").GetProperty("default").GetBoolean());
        // Performance drift: retrain when the error is more than 20% above the holdout's.
        Assert.Equal(0.2, sections.GetProperty("drift").GetProperty("properties").GetProperty("performance_drift").GetProperty("default").GetDouble());
        // THUNES' Sharpe floor and Quantum Trader's 90-day shadow retention.
        Assert.Equal(1.0, sections.GetProperty("monitor").GetProperty("properties").GetProperty("min_sharpe").GetProperty("default").GetDouble());
        Assert.Equal(90, sections.GetProperty("retention").GetProperty("properties").GetProperty("shadow_days").GetProperty("default").GetInt32());
        var envOnly = sections.GetProperty("engine").GetProperty("properties").GetProperty("max_parallelism").GetProperty("anyOf")[1].GetProperty("pattern").GetString()!;
        Assert.Matches(envOnly, "${{ env.WORKERS }}");
        Assert.DoesNotMatch(envOnly, "${{ params.workers }}");
    }
}
