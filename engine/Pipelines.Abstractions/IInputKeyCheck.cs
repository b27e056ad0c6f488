namespace Pipelines.Abstractions;

/// <summary>Decides whether a key of a map input is acceptable; see <see cref="InputKeysAttribute"/>.</summary>
public interface IInputKeyCheck
{
    /// <summary>Why <paramref name="key"/> is refused, or null when it is fine.</summary>
    string? Problem(string key);
}
