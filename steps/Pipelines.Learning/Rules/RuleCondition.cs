using System.Globalization;

namespace Pipelines.Learning.Rules;

/// <summary>One test of a rule: the feature is at most (LightGBM's left branch) or above the threshold.</summary>
public sealed record RuleCondition(string Feature, bool Above, double Threshold)
{
    public bool Holds(double value) => Above ? value > Threshold : value <= Threshold;

    public override string ToString() => $"{Feature} {(Above ? ">" : "<=")} {Threshold.ToString("G4", CultureInfo.InvariantCulture)}";
}
