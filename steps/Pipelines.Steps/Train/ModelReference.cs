namespace Pipelines.Steps.Train;

/// <summary>
/// A registered version named in a pipeline as <c>name@version</c> or <c>name@alias</c> (e.g. toxicity@3,
/// toxicity@champion); a name alone means its champion.
/// </summary>
public sealed record ModelReference(string Name, string AliasOrVersion)
{
    public const string Shape = "a registered model as name@version or name@alias, e.g. toxicity@3 or toxicity@champion";

    public static ModelReference? TryParse(string text)
    {
        var at = text.IndexOf('@', StringComparison.Ordinal);
        var name = at < 0 ? text : text[..at];
        var version = at < 0 ? "champion" : text[(at + 1)..];
        if (name.Length == 0 || version.Length == 0 || version.Contains('@', StringComparison.Ordinal) || name.Any(char.IsWhiteSpace)) return null;
        return new ModelReference(name, version);
    }

    public override string ToString() => $"{Name}@{AliasOrVersion}";
}
