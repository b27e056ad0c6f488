namespace Pipelines.Learning.Tuning;

/// <summary>A parameter taking one of a fixed list of named choices, each equally likely a priori.</summary>
public sealed class CategoricalDistribution : ParameterDistribution
{
    private readonly string[] _choices;

    public CategoricalDistribution(string name, IReadOnlyList<string> choices) : base(name)
    {
        ArgumentNullException.ThrowIfNull(choices);
        if (choices.Count == 0)
            throw new ArgumentException($"parameter '{name}': a categorical parameter needs at least one choice", nameof(choices));
        if (choices.Distinct(StringComparer.Ordinal).Count() != choices.Count)
            throw new ArgumentException($"parameter '{name}': choices must be distinct", nameof(choices));
        _choices = choices.ToArray();
    }

    public IReadOnlyList<string> Choices => _choices;

    internal override double SampleInternal(Random random) => random.Next(_choices.Length);

    internal override object ToExternal(double internalValue) => _choices[(int)internalValue];
}
