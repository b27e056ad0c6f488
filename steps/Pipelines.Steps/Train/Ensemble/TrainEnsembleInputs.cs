using Pipelines.Abstractions;

namespace Pipelines.Steps.Train.Ensemble;

public sealed record TrainEnsembleInputs : ICheckedInputs, IStoreDependentInputs
{
    /// <summary>A registered member (name@alias) may name another version on the next run: the step runs again rather than reuse a result.</summary>
    bool IStoreDependentInputs.DependsOnStore => (Members?.Values.Any(m => m.Registered is not null) ?? false) || Regime?.Registered is not null;

    [Input("How members are combined: stacking (a meta-learner over their out-of-fold predictions), average (weighted soft voting) or regime (a regime picks the member).")]
    public required EnsembleKind Kind { get; init; }

    [Input("The members by name, each a model a step trained (model:, with its out_of_sample: for stacking) or a registered version (registered: toxicity@champion). Every member reads the same features.",
        Example = "{ gbdt: { model: \"${{ steps.gbdt.outputs.model }}\", out_of_sample: \"${{ steps.gbdt.outputs.out_of_sample }}\" }, linear: { model: \"${{ steps.linear.outputs.model }}\", out_of_sample: \"${{ steps.linear.outputs.out_of_sample }}\" } }")]
    public required IReadOnlyDictionary<string, EnsembleMemberInput> Members { get; init; }

    [Input("average: a weight per member by name (normalised to sum to 1); equal weights when absent.")]
    public IReadOnlyDictionary<string, double> Weights { get; init; } = new Dictionary<string, double>();

    [Input("regime: { model: ${{ steps.regimes.outputs.model }}, routes: { \"0\": calm, \"1\": volatile }, default: calm }.")]
    public EnsembleRegimeInput? Regime { get; init; }

    [Input("stacking: the meta-learner: linear (train/linear's logistic fit on binary members' log-odds, ridge on regression members' values) or gbdt (LightGBM on the same meta-features, and on every member's class probabilities for multiclass members).")]
    public EnsembleMetaLearner Meta { get; init; } = EnsembleMetaLearner.Linear;

    [Input("stacking, meta: linear: the L2 penalty of the meta-learner (default 1).")]
    public double? MetaL2 { get; init; }

    [Input("stacking, meta: gbdt: LightGBM parameters by LightGBM's own names over the meta-learner's defaults for a few meta-features (num_iterations 50, learning_rate 0.1, num_leaves 4, min_data_in_leaf 20, lambda_l2 1, seed 1), e.g. { num_leaves: 8 }; a name LightGBM does not know is refused, and the objective follows the members.")]
    [InputKeys(typeof(GbdtMetaParameterKeys))]
    public IReadOnlyDictionary<string, string> MetaParams { get; init; } = new Dictionary<string, string>();

    [Input("The table the members were trained on (rows in time order), for the ensemble's holdout metrics.", Example = "${{ steps.labelled.outputs.table }}")]
    public required Artifact Input { get; init; }

    [Input("Label column, as the members were trained on.", Example = "up")]
    public required string Target { get; init; }

    [Input("Fraction of the latest rows held out for the metrics; use the members' own, so the holdout is out of sample for them (stacking uses the members' holdout).")]
    public double TestFraction { get; init; } = 0.2;

    [Input("Rows left out before the holdout, as the members were trained.")]
    public int Gap { get; init; }

    public IEnumerable<InputProblem> Problems()
    {
        var members = Members ?? new Dictionary<string, EnsembleMemberInput>();
        var minimum = Kind == EnsembleKind.Regime ? 1 : 2;
        if (members.Count < minimum) yield return new InputProblem("members", $"{Name(Kind)} needs at least {minimum} members, got {members.Count}", "kind", "members");
        if (Kind != EnsembleKind.Average && Weights.Count > 0) yield return new InputProblem("weights", $"weights are for kind average, not {Name(Kind)}", "kind");
        foreach (var (member, weight) in Weights)
        {
            if (!members.ContainsKey(member)) yield return new InputProblem("weights", $"weight for '{member}', which is not a member ({string.Join(", ", members.Keys)})", "members");
            if (!(weight >= 0) || !double.IsFinite(weight)) yield return new InputProblem("weights", $"the weight of '{member}' is {weight}; weights must be finite and not negative");
        }
        if (Weights.Count > 0 && members.Keys.FirstOrDefault(m => !Weights.ContainsKey(m)) is { } unweighted)
            yield return new InputProblem("weights", $"member '{unweighted}' has no weight; give one for every member, or none for equal weights", "members");
        if (Weights.Count > 0 && Weights.Values.All(w => w == 0)) yield return new InputProblem("weights", "every weight is 0");
        if (Kind == EnsembleKind.Regime && Regime is null) yield return new InputProblem("regime", "kind regime needs regime: { model or column, routes, default }", "kind");
        if (Kind != EnsembleKind.Regime && Regime is not null) yield return new InputProblem("regime", $"regime is for kind regime, not {Name(Kind)}", "kind");
        if (Regime is { } regime)
        {
            foreach (var (route, member) in regime.Routes)
            {
                if (!members.ContainsKey(member)) yield return new InputProblem("regime", $"route '{route}' names '{member}', which is not a member ({string.Join(", ", members.Keys)})", "members");
            }
            if (regime.Default is { } fallback && !members.ContainsKey(fallback))
                yield return new InputProblem("regime", $"default '{fallback}' is not a member ({string.Join(", ", members.Keys)})", "members");
        }
        if (MetaL2 is { } l2 && (!(l2 >= 0) || !double.IsFinite(l2))) yield return new InputProblem("meta_l2", "must be finite and not negative");
        if (Kind != EnsembleKind.Stacking && Meta != EnsembleMetaLearner.Linear) yield return new InputProblem("meta", $"a meta-learner is for kind stacking, not {Name(Kind)}", "kind");
        if (Kind != EnsembleKind.Stacking && MetaL2 is not null) yield return new InputProblem("meta_l2", $"meta_l2 is for kind stacking, not {Name(Kind)}", "kind");
        if (Kind != EnsembleKind.Stacking && MetaParams.Count > 0) yield return new InputProblem("meta_params", $"meta_params are for kind stacking, not {Name(Kind)}", "kind");
        if (Meta == EnsembleMetaLearner.Gbdt && MetaL2 is not null)
            yield return new InputProblem("meta_l2", "meta_l2 is the linear meta-learner's penalty; for meta: gbdt give LightGBM's lambda_l2 in meta_params", "meta");
        if (Meta == EnsembleMetaLearner.Linear && MetaParams.Count > 0)
            yield return new InputProblem("meta_params", "meta_params are LightGBM's, for meta: gbdt; the linear meta-learner takes meta_l2", "meta");
        if (TestFraction is <= 0 or >= 1) yield return new InputProblem("test_fraction", "must be between 0 and 1 (exclusive)");
        if (Gap < 0) yield return new InputProblem("gap", "must not be negative");
    }

    internal static string Name(EnsembleKind kind) => kind.ToString().ToLowerInvariant();
}
