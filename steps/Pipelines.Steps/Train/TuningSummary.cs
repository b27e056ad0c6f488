using System.Text.Json.Serialization;

namespace Pipelines.Steps.Train;

/// <summary>The parameter search that chose a model's parameters; every trial is in the tuning artifact.</summary>
public sealed record TuningSummary
{
    public required string Metric { get; init; }
    public required string Direction { get; init; }
    public required double BestScore { get; init; }
    [JsonConverter(typeof(ScalarTextDictionaryConverter))]
    public required IReadOnlyDictionary<string, string> BestParams { get; init; }
    public required int Trials { get; init; }

    [JsonPropertyName("trials_sha256")]
    public required string TrialsSha256 { get; init; }
}
