using Pipelines.Abstractions;
using Pipelines.Engine.Binding;
using Pipelines.Engine.Diagnostics;
using Pipelines.Engine.Expressions;
using Pipelines.Engine.Model;
using Pipelines.Engine.Parsing;
using Pipelines.Engine.Planning;
using Pipelines.Engine.Storage;
using Pipelines.Engine.Tests.Support;
using Pipelines.Engine.Yaml;
using ValueType = Pipelines.Engine.Catalog.ValueType;

namespace Pipelines.Engine.Tests.Expressions;

/// <summary>
/// A <c>${{ }}</c> template is parsed once, with the pipeline file, and that one tree is what planning, validation
/// and every run read; errors are classified by their type, never by their wording.
/// </summary>
public sealed class ParsedOnceTests : IDisposable
{
    private readonly EngineHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    private const string TwoSteps = """
        name: once
        params:
          word: hello
        steps:
          - id: a
            uses: test/emit
            with:
              text: plain
          - id: b
            uses: test/emit
            if: steps.a.outputs.text != 'x'
            with:
              text: "${{ steps.a.outputs.text }}-${{ params.word }}"

        """;

    private static PipelineDefinition Parse(string yaml) => PipelineParser.ParseText("p.yaml", yaml);

    private static YamlScalar TextInput(StepDefinition step) => (YamlScalar)step.With!.Get("text")!;

    /// <summary>Records the reference nodes it is asked to resolve, so a test can tell which tree was evaluated.</summary>
    private sealed class RecordingResolver(Func<ReferenceExpression, object?> resolve) : IReferenceResolver
    {
        public List<ReferenceExpression> Asked { get; } = [];

        public object? Resolve(ReferenceExpression reference)
        {
            Asked.Add(reference);
            return resolve(reference);
        }

        public WorkspacePath? ResolvePath(string relative, SourceLocation location) => throw new NotSupportedException();
    }

    [Fact]
    public void The_parsed_file_holds_each_input_template_with_its_references_located_in_the_file()
    {
        var step = Parse(TwoSteps).FindStep("b")!;

        var template = Assert.Single(step.InputTemplates);
        Assert.Same(TextInput(step), template.Source);
        Assert.Equal(["steps.a.outputs.text", "params.word"], template.References.Select(r => r.ToString()));
        // Columns counted by hand in line 13: the opening quote is column 13, 'steps' 18, 'params' 46.
        Assert.Equal(new SourceLocation("p.yaml", 13, 18), template.LocationOf(template.References[0].Offset));
        Assert.Equal(new SourceLocation("p.yaml", 13, 46), template.LocationOf(template.References[1].Offset));
    }

    [Fact]
    public void The_condition_is_kept_in_the_step_as_its_expression_tree_with_the_scalar_it_came_from()
    {
        var step = Parse(TwoSteps).FindStep("b")!;

        Assert.NotNull(step.If);
        Assert.Same(step.Node.Get("if"), step.If!.Source);
        var comparison = Assert.IsType<BinaryExpression>(Assert.Single(step.If.Parts));
        Assert.Equal("!=", comparison.Operator);
        Assert.Equal("steps.a.outputs.text", Assert.Single(step.If.References).ToString());
    }

    [Fact]
    public void Planning_reads_the_references_of_the_parsed_trees()
    {
        var step = Parse(TwoSteps).FindStep("b")!;

        var found = StepReferences.In(step).ToList();

        Assert.Equal(3, found.Count);
        Assert.Same(step.If!.References[0], found[0].Reference);
        Assert.Same(step.If.Source, found[0].Node);
        Assert.Same(step.InputTemplates[0].References[0], found[1].Reference);
        Assert.Same(step.InputTemplates[0].References[1], found[2].Reference);
        Assert.All(found.Skip(1), f => Assert.Same(TextInput(step), f.Node));
    }

    [Fact]
    public void The_compiled_pipeline_keeps_the_trees_of_the_parsed_file()
    {
        var definition = Parse(TwoSteps);
        var planned = PipelineCompiler.Compile(definition, _harness.Catalog, _harness.Workspace.Root).Step("b");

        Assert.Same(definition.FindStep("b")!.If, planned.Definition.If);
        Assert.Same(definition.FindStep("b")!.InputTemplates[0], planned.Definition.InputTemplates[0]);
        Assert.Equal(["a"], planned.DependsOn);
    }

    [Fact]
    public void Binding_evaluates_the_tree_parsed_with_the_file_instead_of_parsing_the_text_again()
    {
        var definition = Parse(TwoSteps);
        var step = definition.FindStep("b")!;
        var values = new Dictionary<string, object?> { ["steps.a.outputs.text"] = "plain", ["params.word"] = "hello" };

        var shared = new RecordingResolver(r => values[r.ToString()]);
        var inputs = (TextInputs)new ValueBinder(shared, definition.Templates).BindObject(step.With, ValueType.Of(typeof(TextInputs)), step.Node.Location, []);
        var reparsing = new RecordingResolver(r => values[r.ToString()]);
        new ValueBinder(reparsing).BindObject(step.With, ValueType.Of(typeof(TextInputs)), step.Node.Location, []);

        Assert.Equal("plain-hello", inputs.Text);
        Assert.Equal(step.InputTemplates[0].References, shared.Asked, ReferenceEqualityComparer.Instance);
        // Without the file's templates the binder must parse again, which makes new nodes: the check above can fail.
        Assert.DoesNotContain(reparsing.Asked, r => step.InputTemplates[0].References.Contains(r, ReferenceEqualityComparer.Instance));
    }

    [Fact]
    public async Task A_run_binds_the_template_held_in_the_model_not_the_text_read_again()
    {
        const string yaml = """
            name: held
            params:
              word: hello
            steps:
              - id: a
                uses: test/emit
                with:
                  text: "${{ params.word }}"

            """;
        var parsed = Parse(yaml);
        var original = parsed.Steps[0];
        // The model's template for the scalar says something other than its text; a run that parsed the text again would write 'hello'.
        var held = Template.Parse(TextInput(original), "${{ params.word }} from the model")!;
        var step = new StepDefinition
        {
            Id = original.Id, IdNode = original.IdNode, Uses = original.Uses, UsesNode = original.UsesNode, With = original.With,
            Needs = original.Needs, If = original.If, Timeout = original.Timeout, Retry = original.Retry,
            ContinueOnError = original.ContinueOnError, Node = original.Node, InputTemplates = [held],
        };
        var definition = new PipelineDefinition
        {
            File = parsed.File, Name = parsed.Name, Description = parsed.Description, Params = parsed.Params,
            Steps = [step], Root = parsed.Root, SourceText = parsed.SourceText,
        };
        var compiled = PipelineCompiler.Compile(definition, _harness.Catalog, _harness.Workspace.Root);

        var result = await _harness.Runner().RunAsync(compiled, _harness.Options(), CancellationToken.None);

        Assert.Equal(RunStatus.Succeeded, result.Status);
        Assert.Contains("hello from the model", _harness.Store.StepRuns(result.RunId).Single().InputsJson);
    }

    [Fact]
    public void An_unset_secret_is_refused_with_the_secret_not_set_code()
    {
        const string yaml = """
            name: secret
            steps:
              - id: a
                uses: test/emit
                with:
                  text: "${{ secrets.PIPELINES_TEST_NEVER_SET }}"

            """;

        var error = Assert.Throws<PipelineValidationException>(() => _harness.Compile(yaml));

        var diagnostic = Assert.Single(error.Diagnostics);
        Assert.Equal(DiagnosticCodes.SecretNotSet, diagnostic.Code);
        Assert.Equal(new SourceLocation(Path.Combine(_harness.Workspace.Root, "pipeline.yaml"), 6, 18), diagnostic.Location);
    }

    [Fact]
    public void The_code_of_an_evaluation_error_comes_from_its_type_not_its_wording()
    {
        var definition = Parse(TwoSteps);
        var step = definition.FindStep("b")!;
        BindingException BindWith(Exception thrown) =>
            Assert.Throws<BindingException>(() => new ValueBinder(new RecordingResolver(_ => throw thrown), definition.Templates)
                .Bind(TextInput(step), ValueType.Of(typeof(string))));

        var secret = BindWith(new SecretNotSetException(4, "TOKEN"));
        var unknown = BindWith(new ExpressionEvaluationException(4, "this value is not set anywhere"));

        Assert.Equal(DiagnosticCodes.SecretNotSet, secret.Diagnostic.Code);
        Assert.Equal(DiagnosticCodes.UnknownReference, unknown.Diagnostic.Code);
        Assert.Equal(new SourceLocation("p.yaml", 13, 18), secret.Diagnostic.Location);
    }

    [Fact]
    public void A_value_that_reads_not_set_in_a_type_error_is_not_taken_for_a_secret()
    {
        const string yaml = """
            name: words
            params:
              mode: not set
            steps:
              - id: a
                uses: test/emit
                with:
                  text: "${{ params.mode < 1 }}"

            """;

        var error = Assert.Throws<PipelineValidationException>(() => _harness.Compile(yaml));

        var diagnostic = Assert.Single(error.Diagnostics);
        Assert.Equal(DiagnosticCodes.UnknownReference, diagnostic.Code);
        Assert.Contains("got text 'not set' and number 1", diagnostic.Message);
    }

    private static string WithCondition(string condition) => $$"""
        name: bare
        steps:
          - id: a
            uses: test/emit
            with:
              text: plain
          - id: b
            uses: test/emit
            if: {{condition}}
            with:
              text: hi

        """;

    [Fact]
    public void A_bare_condition_is_located_at_the_text_as_written()
    {
        // Line 9 is "    if: steps.a.outputs.nope == 'x'": 'steps' starts in column 9.
        var error = Assert.Throws<PipelineValidationException>(() => _harness.Compile(WithCondition("steps.a.outputs.nope == 'x'")));

        var diagnostic = Assert.Single(error.Diagnostics);
        Assert.Contains("has no output 'nope'", diagnostic.Message);
        Assert.Equal((9, 9), (diagnostic.Location.Line, diagnostic.Location.Column));
    }

    [Fact]
    public void A_syntax_error_in_a_bare_condition_points_at_the_offending_character()
    {
        // Line 9 is "    if: steps.a.outputs.text == 'x": the quote left open is column 33.
        var error = Assert.Throws<PipelineValidationException>(() => Parse(WithCondition("steps.a.outputs.text == 'x")));

        var diagnostic = Assert.Single(error.Diagnostics);
        Assert.Equal(DiagnosticCodes.Expression, diagnostic.Code);
        Assert.Equal(new SourceLocation("p.yaml", 9, 33), diagnostic.Location);
    }

    [Fact]
    public void A_condition_written_with_braces_is_located_as_before()
    {
        // Line 9 is "    if: ${{ steps.a.outputs.nope }}": 'steps' starts in column 13.
        var error = Assert.Throws<PipelineValidationException>(() => _harness.Compile(WithCondition("${{ steps.a.outputs.nope == 'x' }}")));

        Assert.Equal((9, 13), (Assert.Single(error.Diagnostics).Location.Line, error.Diagnostics[0].Location.Column));
    }

    [Fact]
    public void A_step_built_without_parsed_templates_parses_its_inputs_once_on_first_use_and_leaves_out_malformed_ones()
    {
        var parsed = Parse(TwoSteps).FindStep("b")!;
        var with = new YamlMapping(parsed.With!.Location,
        [
            new(new YamlScalar(parsed.With.Location, "good", false), new YamlScalar(parsed.With.Location, "${{ steps.a.outputs.text }}", true)),
            new(new YamlScalar(parsed.With.Location, "bad", false), new YamlScalar(parsed.With.Location, "${{ steps.a.outputs.text", true)),
        ], false);
        var probe = new StepDefinition
        {
            Id = "probe", IdNode = parsed.IdNode, Uses = parsed.Uses, UsesNode = parsed.UsesNode, With = with, Needs = [], If = null,
            Timeout = null, Retry = null, ContinueOnError = false, Node = parsed.Node,
        };

        var first = probe.InputTemplates;

        Assert.Same(first, probe.InputTemplates);
        Assert.Equal("steps.a.outputs.text", Assert.Single(Assert.Single(first).References).ToString());
        Assert.Equal(["steps.a.outputs.text"], StepReferences.In(probe).Select(r => r.Reference.ToString()));
    }
}
