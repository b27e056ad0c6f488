using System.Runtime.InteropServices;
using Pipelines.Learning.Trees;

namespace Pipelines.Learning.Compilation;

/// <summary>
/// A <see cref="TreeEnsembleModel"/> prepared for fast single-row scoring. On processors with AVX-512 VBMI, models
/// whose trees have at most 64 leaves (and at most 128 split classes of at most 253 thresholds each, see
/// <see cref="SplitRankBinner"/>) are scored branch-free, 64 trees at a time (<see cref="BitvectorTreeEnsemble"/>);
/// other models become straight-line machine code with a branch per split (<see cref="TreeEnsembleEmitter"/>).
/// Predictions are bit-identical to the interpreted model either way and cost no allocation; one instance may be
/// used from several threads at once.
/// </summary>
public sealed class CompiledTreeEnsemble
{
    private readonly BitvectorTreeEnsemble? _bitvectors;
    private readonly RawScoreFunction? _score;
    private readonly ModelObjective _objective;

    private CompiledTreeEnsemble(BitvectorTreeEnsemble? bitvectors, RawScoreFunction? score, TreeEnsembleModel model)
    {
        _bitvectors = bitvectors;
        _score = score;
        _objective = model.Objective;
        FeatureCount = model.FeatureCount;
        OutputCount = model.TreesPerIteration;
        TreeCount = model.Trees.Count;
    }

    public int FeatureCount { get; }

    /// <summary>Outputs per row: 1, or the class count for multiclass models.</summary>
    public int OutputCount { get; }

    public int TreeCount { get; }

    /// <summary>Whether rows are scored by the branch-free vector layout rather than by emitted branches.</summary>
    public bool IsVectorized => _bitvectors is not null;

    /// <summary>Compiles <paramref name="model"/>; the cost is paid once, here, not per prediction.</summary>
    public static CompiledTreeEnsemble Compile(TreeEnsembleModel model) => Compile(model, allowVectorized: true);

    /// <summary>As <see cref="Compile(TreeEnsembleModel)"/>; with <paramref name="allowVectorized"/> false, always emits branches.</summary>
    internal static CompiledTreeEnsemble Compile(TreeEnsembleModel model, bool allowVectorized)
    {
        ArgumentNullException.ThrowIfNull(model);
        var bitvectors = allowVectorized ? BitvectorTreeEnsemble.TryCreate(model) : null;
        return bitvectors is not null
            ? new CompiledTreeEnsemble(bitvectors, null, model)
            : new CompiledTreeEnsemble(null, TreeEnsembleEmitter.Emit(model), model);
    }

    /// <summary>Sum of tree outputs per class, before the objective's transform (as <see cref="TreeEnsembleModel.PredictRaw"/>).</summary>
    public void PredictRaw(ReadOnlySpan<double> features, Span<double> output)
    {
        CheckShapes(features, output);
        Span<double> scores = output[..OutputCount];
        scores.Clear();
        if (_bitvectors is not null) _bitvectors.AddScores(ref MemoryMarshal.GetReference(features), scores);
        else _score!(ref MemoryMarshal.GetReference(features), ref MemoryMarshal.GetReference(scores));
    }

    /// <summary>Predictions per class (probabilities for classification), as <see cref="TreeEnsembleModel.Predict"/>.</summary>
    public void Predict(ReadOnlySpan<double> features, Span<double> output)
    {
        PredictRaw(features, output);
        _objective.Transform(output[..OutputCount]);
    }

    /// <summary>The single output of a one-output model (binary probability or regression value).</summary>
    public double PredictSingle(ReadOnlySpan<double> features)
    {
        if (OutputCount != 1) throw new InvalidOperationException($"The model has {OutputCount} outputs per row; use Predict with an output span.");
        Span<double> output = stackalloc double[1];
        Predict(features, output);
        return output[0];
    }

    private void CheckShapes(ReadOnlySpan<double> features, Span<double> output)
    {
        // The emitted code reads feature indices without bounds checks, so this check is what keeps it in the row.
        if (features.Length != FeatureCount)
            throw new ArgumentException($"The row has {features.Length} features but the model expects {FeatureCount}.", nameof(features));
        if (output.Length < OutputCount)
            throw new ArgumentException($"The output span has room for {output.Length} values; the model produces {OutputCount} per row.", nameof(output));
    }
}
