using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pipelines.Steps.Validate;

/// <summary>
/// The gate's decision as it writes it to its report artifact: whether it passed and how each requirement came
/// out. Steps that explain the decision later (the run report) read it back through this record, so the figures
/// they show are the ones the gate decided on.
/// </summary>
public sealed record GateReport
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
        WriteIndented = true,
    };

    public required bool Passed { get; init; }

    public required GateSection Section { get; init; }

    /// <summary>One check per declared requirement, in the order of the pipeline file.</summary>
    public required IReadOnlyList<GateCheck> Requirements { get; init; }

    /// <summary>The metrics artifact the thresholds were read from.</summary>
    public string? MetricsSha256 { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static GateReport FromJson(string json) =>
        JsonSerializer.Deserialize<GateReport>(json, Json) ?? throw new JsonException("a gate report cannot be null");
}
