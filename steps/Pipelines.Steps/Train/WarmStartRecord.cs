using System.Text.Json.Serialization;

namespace Pipelines.Steps.Train;

/// <summary>The model a linear fit continued from.</summary>
public sealed record WarmStartRecord
{
    [JsonPropertyName("model_sha256")]
    public required string ModelSha256 { get; init; }

    public required long SamplesSeenBefore { get; init; }
}
