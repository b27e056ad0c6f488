using BenchmarkDotNet.Attributes;
using Pipelines.Engine.Expressions;

namespace Pipelines.Benchmarks;

/// <summary>Parsing and evaluating the <c>${{ }}</c> expressions every step binding goes through.</summary>
[MemoryDiagnoser]
public class ExpressionBenchmarks
{
    private const string Text = "${{ steps.gate.outputs.passed && params.threshold >= 0.5 || !steps.drift.outputs.retrain }}";
    private readonly Template _template = Template.Parse(Text)!;

    private static object? Resolve(ReferenceExpression reference) => reference.Path[^1] switch
    {
        "passed" => true,
        "threshold" => 0.7,
        _ => false,
    };

    [Benchmark]
    public Template Parse() => Template.Parse(Text)!;

    [Benchmark]
    public object? Evaluate() => ExpressionEvaluator.Evaluate(_template, Resolve);
}
