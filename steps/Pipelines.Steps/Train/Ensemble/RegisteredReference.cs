namespace Pipelines.Steps.Train.Ensemble;

/// <summary>A registered version written as name@version or name@alias (e.g. toxicity@3, toxicity@champion).</summary>
public static class RegisteredReference
{
    /// <summary>Why <paramref name="reference"/> is not name@version or name@alias; null when it is.</summary>
    public static string? Problem(string reference)
    {
        var at = reference.LastIndexOf('@');
        return at <= 0 || at == reference.Length - 1
            ? $"'{reference}' is not a registered version: write name@version or name@alias, e.g. toxicity@3 or toxicity@champion"
            : null;
    }

    public static (string Name, string AliasOrVersion) Parse(string reference)
    {
        var at = reference.LastIndexOf('@');
        return (reference[..at], reference[(at + 1)..]);
    }
}
