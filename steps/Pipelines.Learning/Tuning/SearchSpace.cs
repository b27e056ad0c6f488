namespace Pipelines.Learning.Tuning;

/// <summary>The named parameters a study tunes, in declaration order; names are unique.</summary>
public sealed class SearchSpace
{
    private readonly List<ParameterDistribution> _parameters = [];

    public IReadOnlyList<ParameterDistribution> Parameters => _parameters;

    public SearchSpace Add(ParameterDistribution parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        if (IndexOf(parameter.Name) >= 0)
            throw new ArgumentException($"parameter '{parameter.Name}' is declared twice", nameof(parameter));
        _parameters.Add(parameter);
        return this;
    }

    public SearchSpace AddInt(string name, int low, int high) => Add(new IntUniformDistribution(name, low, high));

    public SearchSpace AddFloat(string name, double low, double high) => Add(new FloatUniformDistribution(name, low, high));

    public SearchSpace AddLogFloat(string name, double low, double high) => Add(new LogUniformDistribution(name, low, high));

    public SearchSpace AddCategorical(string name, params string[] choices) =>
        Add(new CategoricalDistribution(name, choices));

    public int IndexOf(string name)
    {
        for (int i = 0; i < _parameters.Count; i++)
        {
            if (_parameters[i].Name == name)
                return i;
        }
        return -1;
    }
}
