namespace Pipelines.Learning.Tuning;

/// <summary>
/// One evaluation of the objective: its parameters, intermediate reports, final value and state. The objective
/// reads parameters with <see cref="GetInt"/>, <see cref="GetDouble"/> and <see cref="GetCategory"/>, may call
/// <see cref="Report"/> as it progresses and stop early by throwing <see cref="TrialPrunedException"/> when
/// <see cref="ShouldPrune"/> says so (<see cref="PruneIfNeeded"/> does both).
/// </summary>
public sealed class Trial
{
    private readonly SearchSpace _space;
    private readonly double[] _internalValues;
    private readonly Study _study;
    private readonly SortedDictionary<int, double> _intermediateValues = [];
    private readonly Dictionary<string, object> _parameters = new(StringComparer.Ordinal);

    internal Trial(int number, SearchSpace space, double[] internalValues, Study study)
    {
        Number = number;
        _space = space;
        _internalValues = internalValues;
        _study = study;
        for (int i = 0; i < space.Parameters.Count; i++)
            _parameters[space.Parameters[i].Name] = space.Parameters[i].ToExternal(internalValues[i]);
    }

    public int Number { get; }

    public TrialState State { get; internal set; } = TrialState.Running;

    /// <summary>The objective's value; set only for complete trials.</summary>
    public double? Value { get; internal set; }

    /// <summary>Why a failed trial failed.</summary>
    public string? FailureReason { get; internal set; }

    /// <summary>Parameter values by name: int, double or string according to the parameter's distribution.</summary>
    public IReadOnlyDictionary<string, object> Parameters => _parameters;

    public IReadOnlyDictionary<int, double> IntermediateValues => _intermediateValues;

    /// <summary>The highest step reported so far, or null before the first report.</summary>
    public int? LastStep => _intermediateValues.Count == 0 ? null : _intermediateValues.Keys.Last();

    public int GetInt(string name) => Get<int>(name);

    public double GetDouble(string name) => Get<double>(name);

    public string GetCategory(string name) => Get<string>(name);

    /// <summary>Records the objective's value at a step (e.g. a fold or an epoch), each step once.</summary>
    public void Report(int step, double value)
    {
        EnsureRunning();
        if (step < 0)
            throw new ArgumentOutOfRangeException(nameof(step), step, "must not be negative");
        if (!double.IsFinite(value))
            throw new ArgumentException($"step {step}: {value} is not a finite value", nameof(value));
        if (!_intermediateValues.TryAdd(step, value))
            throw new ArgumentException($"step {step} was already reported for trial {Number}", nameof(step));
    }

    /// <summary>Whether the study's pruner judges this trial, as reported so far, not worth finishing.</summary>
    public bool ShouldPrune()
    {
        EnsureRunning();
        return _study.ShouldPrune(this);
    }

    /// <summary>Throws <see cref="TrialPrunedException"/> when <see cref="ShouldPrune"/> is true.</summary>
    public void PruneIfNeeded()
    {
        if (ShouldPrune())
            throw new TrialPrunedException(Number, LastStep ?? 0);
    }

    internal double InternalValue(int parameterIndex) => _internalValues[parameterIndex];

    private T Get<T>(string name)
    {
        if (!_parameters.TryGetValue(name, out object? value))
            throw new ArgumentException($"no parameter named '{name}' in the search space", nameof(name));
        if (value is not T typed)
        {
            string kind = _space.Parameters[_space.IndexOf(name)].GetType().Name;
            throw new InvalidOperationException($"parameter '{name}' is a {kind}, not a {typeof(T).Name}");
        }
        return typed;
    }

    private void EnsureRunning()
    {
        if (State != TrialState.Running)
            throw new InvalidOperationException($"trial {Number} is {State}, no longer running");
    }
}
