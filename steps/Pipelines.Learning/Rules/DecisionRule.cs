using System.Globalization;

namespace Pipelines.Learning.Rules;

/// <summary>
/// A leaf of a shallow tree read as a rule: every condition on the path from the root, and the class most of its
/// fitting rows hold. Precision is the share of the rule's rows that hold the class — on the rows the tree was
/// fitted on, and on holdout rows it never saw (NaN when no holdout row satisfies the rule).
/// </summary>
public sealed record DecisionRule(IReadOnlyList<RuleCondition> Conditions, int Class, string ClassName, int FitRows, double FitPrecision, int HoldoutRows, double HoldoutPrecision)
{
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"IF {(Conditions.Count == 0 ? "(any row)" : string.Join(" AND ", Conditions))} THEN {ClassName} — {FitRows} rows, precision {HoldoutPrecision:0.00} on holdout ({HoldoutRows} rows)");
}
