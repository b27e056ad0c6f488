namespace Pipelines.Engine.Triggers;

/// <summary>The lower-case spellings pipeline files use for the trigger enums.</summary>
public static class TriggerNames
{
    public static string Of(ConcurrencyPolicy policy) => policy.ToString().ToLowerInvariant();
    public static string Of(CatchUpPolicy policy) => policy.ToString().ToLowerInvariant();

    public static IReadOnlyList<string> ConcurrencyPolicies { get; } = Enum.GetValues<ConcurrencyPolicy>().Select(Of).ToList();
    public static IReadOnlyList<string> CatchUpPolicies { get; } = Enum.GetValues<CatchUpPolicy>().Select(Of).ToList();

    public static bool TryParse<TEnum>(string text, out TEnum value) where TEnum : struct, Enum =>
        // Only the exact lower-case spelling: 'Forbid' or '1' would read differently in a reviewer's head.
        Enum.TryParse(text, ignoreCase: true, out value) && text == text.ToLowerInvariant() && !char.IsDigit(text[0]);
}
