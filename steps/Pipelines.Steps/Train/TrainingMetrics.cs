using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Pipelines.Steps.Train;

/// <summary>
/// metrics.json, the record every train step writes beside its model and every reader (gates, drift, shadow,
/// explain, reports, <c>models show</c>) reads back: one typed shape, one writer, one reader.
/// </summary>
public sealed record TrainingMetrics
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>What the model predicts; written as "objective" (binary, multiclass or regression).</summary>
    [JsonPropertyName("objective")]
    public required ModelTask Task { get; init; }

    /// <summary>"gbdt", "linear", "mlnet" or "ensemble"; absent from GBDT metrics written by earlier versions.</summary>
    public string? ModelType { get; init; }

    /// <summary>The objective the model was trained on, by the trainer's own name (e.g. LightGBM's huber, or logistic); absent from files of earlier versions.</summary>
    public string? TrainedObjective { get; init; }

    public required string Target { get; init; }

    /// <summary>Class labels in the order of the model's outputs; empty for regression.</summary>
    public required IReadOnlyList<string> Classes { get; init; }

    /// <summary>Feature columns in model order.</summary>
    public required IReadOnlyList<string> Features { get; init; }

    public required TrainingRowCounts Rows { get; init; }

    [JsonPropertyName("training_data_sha256")]
    public required string TrainingDataSha256 { get; init; }

    [JsonPropertyName("model_sha256")]
    public required string ModelSha256 { get; init; }

    /// <summary>The trainer's settings as it was given them (for LightGBM, every parameter of the run by its name).</summary>
    [JsonConverter(typeof(ScalarTextDictionaryConverter))]
    public required IReadOnlyDictionary<string, string> Parameters { get; init; }

    /// <summary>Boosting iterations kept (GBDT).</summary>
    public int? Iterations { get; init; }

    /// <summary>Rows the model has learned from over all its fits (linear models continue).</summary>
    public long? SamplesSeen { get; init; }

    public WarmStartRecord? WarmStart { get; init; }

    /// <summary>Metrics on the held-out latest rows, by the names gates refer to; null where a metric is undefined.</summary>
    public required IReadOnlyDictionary<string, double?> Holdout { get; init; }

    public WalkForwardMetrics? WalkForward { get; init; }

    public TuningSummary? Tuning { get; init; }

    /// <summary>Archived events mixed into training and how; absent when none were.</summary>
    public ArchiveSummary? Archive { get; init; }

    /// <summary>The champion's errors replayed into training and how; absent when none were asked for.</summary>
    public ReplaySummary? Replay { get; init; }

    /// <summary>The registered version a continued GBDT (continue_from) started from; absent for a model trained from scratch.</summary>
    public ContinuedFromRecord? ContinuedFrom { get; init; }

    /// <summary>An ensemble's kind and members (train/ensemble); absent for a single model.</summary>
    public Ensemble.EnsembleSummary? Ensemble { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static TrainingMetrics Parse(string json) =>
        JsonSerializer.Deserialize<TrainingMetrics>(json, Json) ?? throw new JsonException("metrics.json is empty");

    public static TrainingMetrics Load(string path) => Parse(File.ReadAllText(path));

    /// <summary>The metrics in <paramref name="json"/>, or null when it is absent or not a train step's metrics (a registered version may carry other JSON).</summary>
    public static TrainingMetrics? TryParse(string? json)
    {
        if (json is null) return null;
        try
        {
            return Parse(json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Metric values as stored: rounded to 10 decimals so files diff cleanly, and null when not a finite number.</summary>
    public static IReadOnlyDictionary<string, double?> Stored(IReadOnlyDictionary<string, double> metrics) =>
        metrics.ToDictionary(m => m.Key, m => double.IsFinite(m.Value) ? Math.Round(m.Value, 10) : (double?)null);
}
