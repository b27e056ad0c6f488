namespace Pipelines.Learning.Features;

/// <summary>
/// Computes a <see cref="FeatureSet"/> one row at a time in O(1) per feature, for the tick path. Rows are given
/// as doubles in the order of <see cref="InputColumns"/>; after construction an update allocates nothing.
/// Values equal the batch SQL's within 1e-9, with NaN where SQL has NULL.
/// </summary>
public sealed class StreamingFeatureEvaluator
{
    private readonly FeatureState[] _states;
    private readonly double[] _slots;
    private readonly int _inputCount;

    /// <param name="features">The definitions, e.g. from <see cref="FeatureSet.FromJson"/>.</param>
    /// <param name="inputColumns">
    /// The order of values in each row given to <see cref="Update"/>; defaults to <see cref="FeatureSet.RequiredColumns"/>.
    /// Every required column must be present; extra columns are ignored.
    /// </param>
    public StreamingFeatureEvaluator(FeatureSet features, IReadOnlyList<string>? inputColumns = null)
    {
        Features = features;
        InputColumns = (inputColumns ?? features.RequiredColumns).ToArray();
        features.CheckColumns(InputColumns.ToArray());
        _inputCount = InputColumns.Count;
        _slots = new double[_inputCount + features.Definitions.Count];
        var slotOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < InputColumns.Count; i++)
            if (!slotOf.TryAdd(InputColumns[i], i))
                throw new FeatureDefinitionException($"input column '{InputColumns[i]}' is listed twice");
        _states = new FeatureState[features.Definitions.Count];
        for (var f = 0; f < _states.Length; f++)
        {
            var definition = features.Definitions[f];
            // A feature name shadows a column of the same name only for later interactions, as in the SQL stages.
            var inputs = definition.Inputs.Select(input => slotOf[input]).ToArray();
            _states[f] = FeatureState.Create(definition, inputs);
            slotOf[definition.Name] = _inputCount + f;
        }
        Current = new FeatureVector(features.Names);
    }

    public FeatureSet Features { get; }

    public IReadOnlyList<string> InputColumns { get; }

    /// <summary>The features of the last row given to <see cref="Update"/>.</summary>
    public FeatureVector Current { get; }

    /// <summary>Rows consumed since construction or <see cref="Reset"/>.</summary>
    public long Rows { get; private set; }

    /// <summary>Consumes the next row (values in <see cref="InputColumns"/> order) and returns the feature values.</summary>
    public ReadOnlySpan<double> Update(ReadOnlySpan<double> row)
    {
        if (row.Length != _inputCount)
            throw new ArgumentException($"the row has {row.Length} values; the evaluator reads {_inputCount} ({string.Join(", ", InputColumns)})", nameof(row));
        row.CopyTo(_slots);
        var values = Current.Values;
        for (var f = 0; f < _states.Length; f++)
        {
            var value = _states[f].Next(_slots);
            _slots[_inputCount + f] = value;
            values[f] = value;
        }
        Rows++;
        return values;
    }

    /// <summary>Forgets all history, as if newly built.</summary>
    public void Reset()
    {
        foreach (var state in _states) state.Reset();
        Array.Clear(Current.Values);
        Rows = 0;
    }
}
