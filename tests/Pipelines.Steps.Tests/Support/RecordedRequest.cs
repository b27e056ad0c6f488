namespace Pipelines.Steps.Tests.Support;

/// <summary>A request the fake server received, with the time it arrived by the server's own clock.</summary>
public sealed record RecordedRequest(string Path, IReadOnlyDictionary<string, string> Query, TimeSpan ArrivedAt)
{
    public long? Long(string name) => Query.TryGetValue(name, out var value) ? long.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : null;
}
