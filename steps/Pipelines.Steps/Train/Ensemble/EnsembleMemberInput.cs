using Pipelines.Abstractions;

namespace Pipelines.Steps.Train.Ensemble;

/// <summary>One member of train/ensemble: a model a step trained, or a registered version.</summary>
public sealed record EnsembleMemberInput : ICheckedInputs
{
    [Input("A model a step trained, e.g. ${{ steps.gbdt.outputs.model }}.")]
    public Artifact? Model { get; init; }

    [Input("A registered version instead, as name@version or name@alias, e.g. toxicity@3 or toxicity@champion.")]
    public string? Registered { get; init; }

    [Input("The member's out_of_sample output (walk-forward folds, then the holdout), e.g. ${{ steps.gbdt.outputs.out_of_sample }}: stacking's meta-learner learns from its walk-forward predictions; other kinds check the holdout rows against it.")]
    public Artifact? OutOfSample { get; init; }

    public IEnumerable<InputProblem> Problems()
    {
        if (Model is null && Registered is null) yield return new InputProblem("model", "give the member's model (a step's model output) or registered (name@version)", "model", "registered");
        if (Model is not null && Registered is not null) yield return new InputProblem("registered", "give model or registered, not both", "model");
        if (Registered is { } reference && RegisteredReference.Problem(reference) is { } problem) yield return new InputProblem("registered", problem);
    }
}
