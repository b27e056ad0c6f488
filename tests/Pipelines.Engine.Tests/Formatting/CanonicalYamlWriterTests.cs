using Pipelines.Engine.Formatting;
using Pipelines.Engine.Parsing;
using Pipelines.Engine.Yaml;

namespace Pipelines.Engine.Tests.Formatting;

public class CanonicalYamlWriterTests
{
    private const string Schema = "../schemas/pipeline.schema.json";
    private const string SchemaLine = "# yaml-language-server: $schema=../schemas/pipeline.schema.json\n";

    private static string Format(string text) =>
        CanonicalYamlWriter.Write((YamlMapping)YamlFileLoader.LoadText("p.yaml", text), Schema);

    /// <summary>Formats, then checks the three promises every output keeps: same meaning, idempotence, clean lines.</summary>
    private static string FormatChecked(string text)
    {
        var once = Format(text);
        Assert.Equal(YamlTree.Describe(YamlFileLoader.LoadText("p.yaml", text)), YamlTree.Describe(YamlFileLoader.LoadText("p.yaml", once)));
        Assert.Equal(once, Format(once));
        Assert.EndsWith("\n", once);
        Assert.False(once.EndsWith("\n\n", StringComparison.Ordinal), "exactly one newline at the end");
        foreach (var line in once.Split('\n'))
            Assert.False(line.EndsWith(' ') || line.EndsWith('\t'), $"trailing whitespace on '{line}'");
        return once;
    }

    [Fact]
    public void OrdersRootAndStepKeysAndKeepsTheAuthorsOrderInsideWith()
    {
        var input = """
            steps:
              - with: { zeta: 1, alpha: 2 }
                uses: ingest/csv
                id: bars
              - uses: transform/sql
                continue-on-error: true
                retry: { backoff: 5s, attempts: 3 }
                timeout: 5m
                if: ${{ params.go }}
                needs: bars
                id: features
            params:
              go: true
            description: Demo
            name: demo
            """;
        var expected = SchemaLine + """
            name: demo
            description: Demo
            params:
              go: true
            steps:
              - id: bars
                uses: ingest/csv
                with:
                  zeta: 1
                  alpha: 2

              - id: features
                uses: transform/sql
                needs: bars
                if: ${{ params.go }}
                timeout: 5m
                retry:
                  backoff: 5s
                  attempts: 3
                continue-on-error: true

            """;
        Assert.Equal(expected, FormatChecked(input));
    }

    [Fact]
    public void ReplacesAnExistingSchemaLineWithTheGivenPath()
    {
        var input = """
            # yaml-language-server: $schema=old/place.json
            # Nightly retrain.
            name: demo
            steps:
              - id: a
                uses: ingest/csv
            """;
        var output = FormatChecked(input);
        Assert.StartsWith(SchemaLine + "# Nightly retrain.\nname: demo\n", output);
        Assert.DoesNotContain("old/place.json", output);
    }

    [Theory]
    [InlineData("true")]
    [InlineData("False")]
    [InlineData("null")]
    [InlineData("~")]
    [InlineData("")]
    [InlineData("5")]
    [InlineData("-3")]
    [InlineData("1.5e3")]
    [InlineData(".inf")]
    [InlineData("0x1F")]
    [InlineData("1:30")]
    [InlineData("yes")]
    [InlineData("off")]
    [InlineData("a: b")]
    [InlineData("a #b")]
    [InlineData("#a")]
    [InlineData("- a")]
    [InlineData("-")]
    [InlineData(": a")]
    [InlineData("a:")]
    [InlineData("? a")]
    [InlineData("[a]")]
    [InlineData("{a}")]
    [InlineData("*ref")]
    [InlineData("&anchor")]
    [InlineData("!tag")]
    [InlineData("|x")]
    [InlineData(">x")]
    [InlineData("%x")]
    [InlineData("@x")]
    [InlineData("`x")]
    [InlineData("'x'")]
    [InlineData("\"x\"")]
    [InlineData("it's")]
    [InlineData(" lead")]
    [InlineData("trail ")]
    [InlineData("---")]
    [InlineData("tab\there")]
    [InlineData("back\\slash")]
    [InlineData("bell\u0007")]
    [InlineData("héllo ✓ 日本 🚀")]
    [InlineData("${{ steps.a.outputs.table }}")]
    [InlineData("${{ steps.a.outputs.x == 'up' }}")]
    public void QuotedTextStaysTheSameTextAsAMappingValueAndInAList(string value)
    {
        var quoted = YamlScalarText.DoubleQuoted(value);
        var input = $"name: demo\nparams:\n  v: {quoted}\n  l: [{quoted}, x]\nsteps:\n  - id: a\n    uses: ingest/csv\n";
        var output = FormatChecked(input);
        var root = (YamlMapping)YamlFileLoader.LoadText("p.yaml", output);
        var parameters = (YamlMapping)root.Get("params")!;
        var scalar = (YamlScalar)parameters.Get("v")!;
        Assert.Equal(value, scalar.Value);
        Assert.Equal(value, ((YamlScalar)((YamlSequence)parameters.Get("l")!).Items[0]).Value);
        // Text that reads as text when plain may be written plain; anything else must come back quoted.
        Assert.True(scalar.IsQuoted || !YamlScalarText.ReadsAsOtherType(value));
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("'quoted'", "quoted")]
    [InlineData("\"samples/a.csv\"", "samples/a.csv")]
    [InlineData("\"true\"", "'true'")]
    [InlineData("\"5\"", "'5'")]
    [InlineData("\"null\"", "'null'")]
    [InlineData("\"\"", "''")]
    [InlineData("\"a: b\"", "'a: b'")]
    [InlineData("\"it's\"", "it's")]
    [InlineData("\"it's: here\"", "\"it's: here\"")]
    [InlineData("\"${{ params.symbol }}\"", "${{ params.symbol }}")]
    [InlineData("true", "true")]
    [InlineData("5", "5")]
    [InlineData("~", "~")]
    [InlineData("", "")]
    public void WritesScalarsWithMinimalQuoting(string source, string written)
    {
        var output = FormatChecked($"name: demo\nparams:\n  v: {source}\nsteps:\n  - id: a\n    uses: ingest/csv\n");
        Assert.Contains(written.Length == 0 ? "\n  v:\n" : $"\n  v: {written}\n", output);
    }

    [Fact]
    public void QuotesFlowIndicatorsOnlyInsideFlowLists()
    {
        var input = """
            name: demo
            params:
              short: ["a,b", "${{ x }}", "[c]", plain]
              long: ["a,b", "${{ params.aaaaaaaaaaaaaaaaaaaaaaaaaaaa }}", "${{ params.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb }}"]
            steps:
              - id: a
                uses: ingest/csv
            """;
        var expected = SchemaLine + """
            name: demo
            params:
              short: ['a,b', '${{ x }}', '[c]', plain]
              long:
                - a,b
                - ${{ params.aaaaaaaaaaaaaaaaaaaaaaaaaaaa }}
                - ${{ params.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb }}
            steps:
              - id: a
                uses: ingest/csv

            """;
        Assert.Equal(expected, FormatChecked(input));
    }

    [Fact]
    public void KeepsAListInFlowStyleUpToExactlyOneHundredColumns()
    {
        // "  l: [" (6) + 22 items "ab" with ", " between (22*2 + 21*2 = 86) + ", abcde" (7) + "]" (1) = 100 columns.
        var items = string.Join(", ", Enumerable.Repeat("ab", 22)) + ", abcde";
        var fits = FormatChecked($"name: demo\nparams:\n  l: [{items}]\nsteps:\n  - id: a\n    uses: ingest/csv\n");
        Assert.Contains($"\n  l: [{items}]\n", fits);
        Assert.Equal(100, fits.Split('\n').Max(l => l.Length));

        var tooLong = FormatChecked($"name: demo\nparams:\n  l: [{items}f]\nsteps:\n  - id: a\n    uses: ingest/csv\n");
        Assert.Contains("\n  l:\n    - ab\n", tooLong);
        Assert.Contains("\n    - abcdef\n", tooLong);
    }

    [Fact]
    public void WritesMultiLineTextAsLiteralBlocks()
    {
        var input = """
            name: demo
            steps:
              - id: t
                uses: transform/sql
                with:
                  sql: "SELECT *\n  FROM bars\n\nWHERE x = 1\n"
                  no_final_newline: "a\nb"
                  indented_first: "  a\nb\n"
                  two_final_newlines: "a\nb\n\n"
                  trailing_space: "a \nb"
                  carriage_return: "a\r\nb"
                  list: ["x\ny\n", z]
            """;
        var expected = SchemaLine + """
            name: demo
            steps:
              - id: t
                uses: transform/sql
                with:
                  sql: |
                    SELECT *
                      FROM bars

                    WHERE x = 1
                  no_final_newline: |-
                    a
                    b
                  indented_first: |2
                      a
                    b
                  two_final_newlines: "a\nb\n\n"
                  trailing_space: "a \nb"
                  carriage_return: "a\r\nb"
                  list:
                    - |
                      x
                      y
                    - z

            """;
        Assert.Equal(expected, FormatChecked(input));
    }

    [Fact]
    public void KeepsCommentsNextToWhatTheyDescribe()
    {
        var input = """
            # Retrained nightly.
            name: demo # short name
            steps:
              # Read the bars first.
              - uses: ingest/csv # the CSV reader
                # The step id.
                id: bars
                with:
                  # Relative to the workspace.
                  path: a.csv
                  columns: [a, b] # only these
              - id: t
                uses: transform/sql
                with:
                  sql: # the query
                    SELECT 1
                  limit: 5 # rows
            """;
        var expected = SchemaLine + """
            # Retrained nightly.
            name: demo # short name
            steps:
              # Read the bars first.
              # The step id.
              - id: bars
                uses: ingest/csv # the CSV reader
                with:
                  # Relative to the workspace.
                  path: a.csv
                  columns: [a, b] # only these

              - id: t
                uses: transform/sql
                with:
                  sql: SELECT 1 # the query
                  limit: 5 # rows

            """;
        Assert.Equal(expected, FormatChecked(input));
    }

    [Fact]
    public void WritesFlowMappingsAsBlocksAndEmptyCollectionsInFlow()
    {
        var input = """
            name: demo
            params: { a: { b: 1, c: [] }, d: {} }
            steps:
              - { id: a, uses: ingest/csv, with: { types: { x: DOUBLE } } }
              - id: b
                uses: ingest/csv
                with:
                  nested: [[1, 2], [{ k: v }]]
            """;
        var expected = SchemaLine + """
            name: demo
            params:
              a:
                b: 1
                c: []
              d: {}
            steps:
              - id: a
                uses: ingest/csv
                with:
                  types:
                    x: DOUBLE

              - id: b
                uses: ingest/csv
                with:
                  nested:
                    - [1, 2]
                    -
                      - k: v

            """;
        Assert.Equal(expected, FormatChecked(input));
    }

    [Fact]
    public void WritesTheSameTextFromTheDefinitionAsFromItsTree()
    {
        var text = "name: demo\nsteps:\n  - uses: ingest/csv\n    id: a\n    with: { path: a.csv }\n";
        var definition = PipelineParser.ParseText("p.yaml", text);
        Assert.Equal(Format(text), CanonicalYamlWriter.Write(definition, Schema));
        Assert.Equal(definition.Steps.Select(s => s.Id), PipelineParser.ParseText("p.yaml", CanonicalYamlWriter.Write(definition, Schema)).Steps.Select(s => s.Id));
    }

    [Fact]
    public void RejectsASchemaPathThatIsNotOneLine()
    {
        var root = (YamlMapping)YamlFileLoader.LoadText("p.yaml", "name: demo\n");
        Assert.Throws<ArgumentException>(() => CanonicalYamlWriter.Write(root, "a\nb"));
        Assert.Throws<ArgumentException>(() => CanonicalYamlWriter.Write(root, " "));
    }

    [Fact]
    public void SchemaPathIsRelativeToThePipelineFile()
    {
        Assert.Equal("../schemas/pipeline.schema.json", CanonicalYamlWriter.RelativeSchemaPath("/w/pipelines/a.yaml", "/w/schemas/pipeline.schema.json"));
        Assert.Equal("schemas/pipeline.schema.json", CanonicalYamlWriter.RelativeSchemaPath("/w/a.yaml", "/w/schemas/pipeline.schema.json"));
        Assert.Equal("../../schemas/pipeline.schema.json", CanonicalYamlWriter.RelativeSchemaPath("/w/p/q/a.yaml", "/w/schemas/pipeline.schema.json"));
    }

    [Theory]
    [InlineData("      path: a.csv\n", "      path: a.csv\n")]
    [InlineData("      columns: [a, b]\n", "      columns: [a, b]\n")]
    [InlineData("      sql: |\n        SELECT 1\n", "      sql: |\n        SELECT 1\n")]
    public void FormatKeepsTheCommentsAfterTheLastValue(string lastEntry, string writtenLastEntry)
    {
        var input = "name: demo\nsteps:\n  - id: a\n    uses: ingest/csv\n    with:\n" + lastEntry + "# Closing remarks.\n\n  # More.\n";
        var output = CanonicalYamlWriter.Format("p.yaml", input, Schema);
        Assert.EndsWith(writtenLastEntry + "# Closing remarks.\n# More.\n", output);
        Assert.Equal(output, CanonicalYamlWriter.Format("p.yaml", output, Schema));
    }

    [Fact]
    public void FormatDoesNotRepeatCommentsThatFollowAnEmptyLastValue()
    {
        var input = "name: demo\nsteps:\n  - id: a\n    uses: ingest/csv\n    with:\n# Closing remarks.\n";
        var output = CanonicalYamlWriter.Format("p.yaml", input, Schema);
        Assert.Equal(SchemaLine + "name: demo\nsteps:\n  - id: a\n    uses: ingest/csv\n    with:\n# Closing remarks.\n", output);
        Assert.Equal(output, CanonicalYamlWriter.Format("p.yaml", output, Schema));
    }

    [Fact]
    public void FormatRejectsAFileThatIsNotAMapping()
    {
        var error = Assert.Throws<Pipelines.Engine.Diagnostics.PipelineValidationException>(() => CanonicalYamlWriter.Format("p.yaml", "- a\n", Schema));
        Assert.Contains("p.yaml", error.Message);
    }
}
