namespace Pipelines.Learning.Selection;

/// <summary>Every round of an elimination, and which round's subset was chosen.</summary>
public sealed record EliminationResult(IReadOnlyList<EliminationRound> Rounds, int ChosenIndex)
{
    public EliminationRound Chosen => Rounds[ChosenIndex];

    public IReadOnlyList<string> Selected => Chosen.Features;
}
