using BenchmarkDotNet.Attributes;
using Pipelines.Abstractions;
using Pipelines.Engine.Binding;
using Pipelines.Engine.Diagnostics;
using Pipelines.Engine.Expressions;
using Pipelines.Engine.Model;
using Pipelines.Engine.Parsing;
using ValueType = Pipelines.Engine.Catalog.ValueType;

namespace Pipelines.Benchmarks;

/// <summary>
/// Binding one step's <c>with:</c> the way a run does it, from the templates parsed with the file, against
/// binding it by parsing each template's text again (what every step of every run did before).
/// </summary>
[MemoryDiagnoser]
public class BindingBenchmarks
{
    private const string Yaml = """
        name: bind
        params:
          symbol: BTC
          threshold: 0.5
        steps:
          - id: gate
            uses: test/gate
            with:
              symbol: ${{ params.symbol }}
              label: "${{ params.symbol }}-${{ steps.train.outputs.version }}"
              threshold: ${{ params.threshold }}
              enabled: ${{ steps.train.outputs.passed && params.threshold >= 0.25 }}
              window: 30

        """;

    public sealed record GateInputs
    {
        [Input("Symbol.")] public required string Symbol { get; init; }
        [Input("Label.")] public required string Label { get; init; }
        [Input("Threshold.")] public required double Threshold { get; init; }
        [Input("Enabled.")] public required bool Enabled { get; init; }
        [Input("Window.")] public required int Window { get; init; }
    }

    private sealed class FixedResolver : IReferenceResolver
    {
        public object? Resolve(ReferenceExpression reference) => reference.Path[^1] switch
        {
            "symbol" => "BTC",
            "threshold" => 0.5,
            "version" => 7L,
            "passed" => true,
            _ => throw new ExpressionEvaluationException(reference.Offset, $"unknown reference '{reference}'"),
        };

        public WorkspacePath? ResolvePath(string relative, SourceLocation location) => throw new NotSupportedException();
    }

    private readonly StepDefinition _step;
    private readonly ValueType _type = ValueType.Of(typeof(GateInputs));
    private readonly ValueBinder _fromParsedFile;
    private readonly ValueBinder _parsingEachBind;

    public BindingBenchmarks()
    {
        var definition = PipelineParser.ParseText("bind.yaml", Yaml);
        _step = definition.Steps[0];
        _fromParsedFile = new ValueBinder(new FixedResolver(), definition.Templates);
        _parsingEachBind = new ValueBinder(new FixedResolver());
    }

    [Benchmark(Baseline = true)]
    public object ParsingEachBind() => _parsingEachBind.BindObject(_step.With, _type, _step.Node.Location, []);

    [Benchmark]
    public object FromParsedFile() => _fromParsedFile.BindObject(_step.With, _type, _step.Node.Location, []);
}
