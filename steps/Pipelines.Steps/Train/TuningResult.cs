using System.Text.Json.Nodes;
using Pipelines.Learning.LightGbm;

namespace Pipelines.Steps.Train;

/// <summary>The best trial's parameters (applied, and as given to LightGBM), its cross-validated score, and every trial.</summary>
internal sealed record TuningResult(LightGbmParameters Parameters, IReadOnlyDictionary<string, string> BestValues, double BestScore, JsonObject Record);
